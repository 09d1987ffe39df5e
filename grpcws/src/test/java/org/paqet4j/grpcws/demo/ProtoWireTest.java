package org.paqet4j.grpcws.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ProtoWireTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void encodesLikeProtobuf() {
        // Bytes protoc-generated code produces for the same values.
        assertThat(ProtoWire.encode(EchoMessage.of("hi".getBytes()))).isEqualTo(hex("0a026869"));
        assertThat(ProtoWire.encode(EchoMessage.of(new byte[0]))).isEmpty();
        assertThat(ProtoWire.encode(new StreamRequest(300, 1 << 20, 7))).isEqualTo(hex("08ac02108080401807"));
        assertThat(ProtoWire.encode(new StreamRequest(-1L, -1, 0)))
                .as("unsigned maxima")
                .isEqualTo(hex("08ffffffffffffffffff0110ffffffff0f"));
    }

    @Test
    void skipsUnknownFieldsOfEveryWireType() {
        // field 5 varint, field 6 fixed64, field 7 bytes, field 8 fixed32, then payload
        byte[] b = hex("2801" + "310102030405060708" + "3a03616263" + "4501020304" + "0a0178");
        assertThat(ProtoWire.decodeEcho(b).payload()).isEqualTo("x".getBytes());
    }

    @Test
    void rejectsLengthsThatRunPastTheEnd() {
        assertThatThrownBy(() -> ProtoWire.decodeEcho(hex("0a05616263")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length 5");
        assertThatThrownBy(() -> ProtoWire.decodeEcho(hex("0affffffff0f")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProtoWire.decodeStreamRequest(hex("08ff")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("varint");
        assertThatThrownBy(() -> ProtoWire.decodeEcho(hex("0f")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wire type 7");
    }

    @Property(tries = 300)
    void roundTrips(@ForAll byte[] payload, @ForAll long total, @ForAll int chunk, @ForAll int seed) {
        assertThat(ProtoWire.decodeEcho(ProtoWire.encode(EchoMessage.of(payload)))
                        .payload())
                .isEqualTo(payload);
        assertThat(ProtoWire.decodeStreamRequest(ProtoWire.encode(new StreamRequest(total, chunk, seed))))
                .isEqualTo(new StreamRequest(total, chunk, seed));
    }

    @Property(tries = 500)
    void arbitraryBytesDecodeOrFailWithIllegalArgument(@ForAll byte[] junk) {
        for (Runnable decode :
                new Runnable[] {() -> ProtoWire.decodeEcho(junk), () -> ProtoWire.decodeStreamRequest(junk)}) {
            try {
                decode.run();
            } catch (IllegalArgumentException expected) {
                // malformed: named, not an index or size error
            }
        }
    }

    @Test
    void thePatternIsTheContractsFormula() {
        assertThat(StreamRequest.patternByte(0, 7)).isEqualTo((byte) 7);
        assertThat(StreamRequest.patternByte(9, 7)).isEqualTo((byte) ((9 * 31 + 7) & 0xff));
        assertThat(StreamRequest.patternByte(-1L, 0))
                .as("k as unsigned 64-bit, mod 256")
                .isEqualTo((byte) ((255 * 31) & 0xff));
    }
}
