package org.paqet4j.tunnel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.wire.TcpFlags;

class StreamHeaderTest {

    private static final HexFormat HEX = HexFormat.of();

    private static StreamHeader decode(String hex) throws IOException {
        return StreamHeaderReader.read(new ByteArrayInputStream(HEX.parseHex(hex)));
    }

    @Test
    void encodesPingAndPongLikePaqet() {
        assertThat(HEX.formatHex(StreamHeaderWriter.encode(new StreamHeader.Ping())))
                .isEqualTo("5001010000");
        assertThat(HEX.formatHex(StreamHeaderWriter.encode(new StreamHeader.Pong())))
                .isEqualTo("5001020000");
    }

    @Test
    void encodesTcpTargetAsLengthHostPort() {
        byte[] bytes = StreamHeaderWriter.encode(new StreamHeader.Tcp(new Target("example.com", 443)));
        // 50 01 04 | 00 0e | 0b "example.com" | 01 bb
        assertThat(HEX.formatHex(bytes)).isEqualTo("500104000e0b" + HEX.formatHex("example.com".getBytes()) + "01bb");
    }

    @Test
    void encodesUdpIpv6WithoutBrackets() throws IOException {
        StreamHeader header = new StreamHeader.Udp(Target.parse("[2001:db8::1]:53"));
        byte[] bytes = StreamHeaderWriter.encode(header);
        assertThat(bytes[2]).isEqualTo(StreamHeader.TYPE_UDP);
        assertThat(new String(bytes, 6, bytes[5])).isEqualTo("2001:db8::1");
        assertThat(StreamHeaderReader.read(new ByteArrayInputStream(bytes))).isEqualTo(header);
    }

    @Test
    void encodesTcpfMasksBigEndian() throws IOException {
        StreamHeader header =
                new StreamHeader.Tcpf(new short[] {TcpFlags.parse("PA"), TcpFlags.parse("S"), TcpFlags.NS});
        assertThat(HEX.formatHex(StreamHeaderWriter.encode(header))).isEqualTo("50010300070300180002" + "0100");
        assertThat(decode("50010300070300180002" + "0100")).isEqualTo(header);
    }

    @Test
    void emptyTcpfIsValidAndMeansForget() throws IOException {
        assertThat(decode("500103000100")).isEqualTo(new StreamHeader.Tcpf(new short[0]));
    }

    @Test
    void readsExactlyTheHeaderAndNothingAfter() throws IOException {
        InputStream in = new ByteArrayInputStream(HEX.parseHex("5001040004" + "01" + "61" + "0050" + "ffee"));
        assertThat(StreamHeaderReader.read(in)).isEqualTo(new StreamHeader.Tcp(new Target("a", 80)));
        assertThat(in.readAllBytes()).containsExactly(0xff, 0xee);
    }

    @Test
    void rejectsBadMagicVersionAndType() {
        assertThatThrownBy(() -> decode("5101010000"))
                .isInstanceOf(StreamHeaderException.class)
                .hasMessage("bad magic byte 0x51 (want 0x50)");
        assertThatThrownBy(() -> decode("5002010000")).hasMessage("unsupported version 0x02 (want 0x01)");
        assertThatThrownBy(() -> decode("5001090000")).hasMessage("unknown header type 0x09");
        assertThatThrownBy(() -> decode("5001000000")).hasMessage("unknown header type 0x00");
    }

    @Test
    void neverTrustsTheLengthField() {
        // A huge body length is refused before any body byte is read.
        assertThatThrownBy(() -> decode("500104ffff")).hasMessage("TCP body length is 65535 (want 4..256)");
        assertThatThrownBy(() -> decode("5001031001")).hasMessageStartingWith("TCPF body length is 4097");
        assertThatThrownBy(() -> decode("5001010001ff")).hasMessage("PING body length is 1 (want 0)");
        assertThatThrownBy(() -> decode("5001030002" + "0000")).hasMessageStartingWith("TCPF body length is 2");
    }

    @Test
    void rejectsInconsistentInnerLengths() {
        assertThatThrownBy(() -> decode("5001040005" + "01" + "61" + "0050" + "00"))
                .hasMessage("TCP host length 1 does not fit body length 5 (want body = 1 + host + 2)");
        assertThatThrownBy(() -> decode("5001030003" + "02" + "0018"))
                .hasMessageStartingWith("TCPF count 2 does not fit body length 3");
        assertThatThrownBy(() -> decode("5001030003" + "40" + "0018"))
                .hasMessageStartingWith("TCPF count 64 does not fit body length 3");
    }

    @Test
    void rejectsEmptyHostControlBytesAndUnknownFlagBits() {
        assertThatThrownBy(() -> decode("5001040003" + "00" + "0050")).hasMessage("TCP body length is 3 (want 4..256)");
        assertThatThrownBy(() -> decode("5001050004" + "01" + "0a" + "0035"))
                .hasMessage("UDP host byte 0 is 0x0a (printable ASCII only)");
        assertThatThrownBy(() -> decode("5001030003" + "01" + "0200"))
                .hasMessage("TCPF mask 0 is 0x0200, which has bits beyond NS");
    }

    @Test
    void reportsTruncationPrecisely() {
        assertThatThrownBy(() -> decode("5001"))
                .isInstanceOf(StreamHeaderException.class)
                .hasMessage("stream ended after 2 of 5 header prefix bytes");
        assertThatThrownBy(() -> decode("5001040010" + "0b6578"))
                .hasMessage("stream ended after 3 of 16 header body bytes");
    }

    @Test
    void targetValidatesHostAndPort() {
        assertThatThrownBy(() -> new Target("", 1)).hasMessage("target host is empty");
        assertThatThrownBy(() -> new Target("a".repeat(254), 1)).hasMessage("target host is 254 bytes, more than 253");
        assertThatThrownBy(() -> new Target("a b", 1)).hasMessageContaining("0x20 at index 1");
        assertThatThrownBy(() -> new Target("a", 65536)).hasMessageContaining("outside 0..65535");
        assertThat(Target.parse("::1:8080")).isEqualTo(new Target("::1", 8080));
        assertThat(new Target("::1", 53).toString()).isEqualTo("[::1]:53");
        assertThatThrownBy(() -> Target.parse("host")).hasMessage("'host' is not host:port");
    }
}
