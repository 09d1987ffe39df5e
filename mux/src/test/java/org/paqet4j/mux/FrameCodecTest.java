package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static FrameReader reader(int version, String hex) {
        return new FrameReader(new ByteArrayInputStream(HEX.parseHex(hex)), version);
    }

    @Test
    void encodesHeaderLittleEndian() {
        Frame f = new Frame(2, Command.PSH, 0x01020304, new byte[] {9, 8, 7});
        assertThat(HEX.formatHex(FrameWriter.encode(f))).isEqualTo("0202030004030201" + "090807");
    }

    @Test
    void encodesWindowUpdate() {
        Frame f = Frame.windowUpdate(3, 262144, 2 * 1024 * 1024);
        assertThat(HEX.formatHex(FrameWriter.encode(f))).isEqualTo("0204080003000000" + "00000400" + "00002000");
        assertThat(f.consumed()).isEqualTo(262144);
        assertThat(f.window()).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void decodesSequenceThenCleanEof() throws IOException {
        FrameReader r =
                reader(1, "0100000003000000" + "0102020003000000abcd" + "0103000000000000" + "0101000003000000");
        assertThat(r.readFrame()).isEqualTo(Frame.control(1, Command.SYN, 3));
        assertThat(r.readFrame()).isEqualTo(new Frame(1, Command.PSH, 3, new byte[] {(byte) 0xab, (byte) 0xcd}));
        assertThat(r.readFrame()).isEqualTo(Frame.control(1, Command.NOP, 0));
        assertThat(r.readFrame()).isEqualTo(Frame.control(1, Command.FIN, 3));
        assertThat(r.readFrame()).isNull();
    }

    @Test
    void writerWritesWhatReaderReads() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out, 65535);
        byte[] big = new byte[65535];
        big[65534] = 42;
        w.write(new Frame(2, Command.PSH, -1, big));
        w.write(Frame.windowUpdate(-1, 0xFFFF_FFFFL, 1));
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()), 2);
        Frame f = r.readFrame();
        assertThat(f.payload()).isEqualTo(big);
        assertThat(Integer.toUnsignedString(f.streamId())).isEqualTo("4294967295");
        Frame upd = r.readFrame();
        assertThat(upd.consumed()).isEqualTo(0xFFFF_FFFFL);
        assertThat(upd.window()).isEqualTo(1);
    }

    @Test
    void rejectsWrongVersionNamingEverything() {
        assertThatThrownBy(() -> reader(2, "0102000007000000").readFrame())
                .isInstanceOf(MuxProtocolException.class)
                .hasMessageContaining("version 1 on a v2 session")
                .hasMessageContaining("command PSH(2)")
                .hasMessageContaining("stream 7")
                .hasMessageContaining("length 0");
    }

    @Test
    void rejectsUnknownCommand() {
        assertThatThrownBy(() -> reader(2, "0205000003000000").readFrame())
                .isInstanceOf(MuxProtocolException.class)
                .hasMessageContaining("unknown command")
                .hasMessageContaining("0x5");
    }

    @Test
    void rejectsPayloadOnControlFrames() {
        for (String cmd : new String[] {"00", "01", "03"}) {
            assertThatThrownBy(() ->
                            reader(2, "02" + cmd + "0100" + "03000000" + "ff").readFrame())
                    .isInstanceOf(MuxProtocolException.class)
                    .hasMessageContaining("must carry no payload")
                    .hasMessageContaining("length 1");
        }
    }

    @Test
    void rejectsUpdInV1AndBadUpdLength() {
        assertThatThrownBy(
                        () -> reader(1, "0104080003000000" + "0000000000000000").readFrame())
                .isInstanceOf(MuxProtocolException.class)
                .hasMessageContaining("UPD exists only in v2");
        assertThatThrownBy(() -> reader(2, "0204040003000000" + "00000000").readFrame())
                .isInstanceOf(MuxProtocolException.class)
                .hasMessageContaining("UPD payload must be 8 bytes")
                .hasMessageContaining("length 4");
    }

    @Test
    void truncationIsEofWithContext() {
        assertThatThrownBy(() -> reader(2, "020200").readFrame())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("3 of 8 bytes");
        assertThatThrownBy(() -> reader(2, "0202ffff05000000" + "0102").readFrame())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("PSH payload of stream 5 (2 of 65535 bytes)");
    }

    @Test
    void zeroLengthPushIsAFrame() throws IOException {
        assertThat(reader(2, "0202000005000000").readFrame()).isEqualTo(new Frame(2, Command.PSH, 5, new byte[0]));
    }
}
