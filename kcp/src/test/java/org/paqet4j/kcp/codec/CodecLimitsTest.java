package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class CodecLimitsTest {

    static final List<String> CIPHERS = Codecs.CIPHERS;

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void datagramsOverKcpGosLimitAreDroppedAsMalformed(String crypt) {
        DatagramCodec codec = Codecs.create(crypt, new byte[32], 10, 3);
        assertThat(Collected.decode(codec, new byte[1501])).isEmpty();
        assertThat(codec.counters().malformed()).isEqualTo(1);
    }

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void emptyAndTinyDatagramsAreDroppedAndCounted(String crypt) {
        DatagramCodec codec = Codecs.create(crypt, new byte[32], 0, 0);
        for (int length = 0; length < 24; length++) {
            assertThat(Collected.decode(codec, new byte[length])).isEmpty();
        }
        CodecCounters c = codec.counters();
        assertThat(c.badChecksum() + c.badTag() + c.malformed()).isEqualTo(24);
    }

    @ParameterizedTest
    @FieldSource("CIPHERS")
    void payloadsThatCannotFitADatagramAreRejectedWithTheSizes(String crypt) {
        DatagramCodec codec = Codecs.create(crypt, new byte[32], 10, 3);
        int fits = 1500 - codec.headerRoom() - codec.trailerRoom();
        byte[] buf = new byte[2000];
        assertThatThrownBy(() -> codec.encode(buf, fits + 1, (b, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining((fits + 1) + "-byte KCP payload");
        assertThatThrownBy(() -> codec.encode(new byte[10], 5, (b, o, l) -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buffer of 10 bytes");
    }
}
