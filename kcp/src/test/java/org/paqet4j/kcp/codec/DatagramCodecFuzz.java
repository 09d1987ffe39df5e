package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Hostile datagrams for every cipher, with and without FEC: whatever arrives, the codec emits only
 * payloads inside its buffer, drops the rest (counted), and never throws.
 *
 * <p>Input: cipher index byte, FEC flag byte, then datagrams as u16 big-endian length + bytes.
 */
class DatagramCodecFuzz {

    static final byte[] KEY = KeyDerivation.kcptun("fuzz");

    @FuzzTest(maxDuration = "20s")
    void decodeNeverThrows(byte[] input) {
        if (input.length < 2) {
            return;
        }
        String crypt = Codecs.CIPHERS.get((input[0] & 0xFF) % Codecs.CIPHERS.size());
        boolean fec = (input[1] & 1) != 0;
        DatagramCodec codec = Codecs.create(crypt, KEY, fec ? 10 : 0, fec ? 3 : 0);
        int p = 2;
        while (p + 2 <= input.length) {
            int length = Math.min(((input[p] & 0xFF) << 8 | (input[p + 1] & 0xFF)), input.length - p - 2);
            byte[] datagram = Arrays.copyOfRange(input, p + 2, p + 2 + length);
            p += 2 + length;
            int[] emitted = new int[1];
            codec.decode(datagram, datagram.length, (buf, offset, len) -> {
                assertThat(offset).isNotNegative();
                assertThat(len).isNotNegative();
                assertThat(offset + len).isLessThanOrEqualTo(buf.length);
                emitted[0]++;
            });
        }
        CodecCounters c = codec.counters();
        assertThat(c.badChecksum() + c.badTag() + c.malformed() + c.fecRecovered())
                .isNotNegative();
    }
}
