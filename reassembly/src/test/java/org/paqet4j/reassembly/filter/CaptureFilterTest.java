package org.paqet4j.reassembly.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.TcpSegment;

class CaptureFilterTest {

    static Endpoint endpoint(String ip, int port) {
        return new Endpoint(InetAddress.ofLiteral(ip), port);
    }

    private static TcpSegment segment(String from, int fromPort, String to, int toPort) {
        return new TcpSegment(
                endpoint(from, fromPort), endpoint(to, toPort), 1, 1, TcpSegment.ACK, 100, new byte[0], 0, 1);
    }

    private static final TcpSegment WEB = segment("198.18.0.2", 40_000, "198.18.0.1", 80);
    private static final TcpSegment WEB_REPLY = segment("198.18.0.1", 80, "198.18.0.2", 40_000);
    private static final TcpSegment SSH6 = segment("2001:db8::2", 50_000, "2001:db8::1", 22);

    @Test
    void primitivesMatchEitherOrOneSide() {
        assertThat(CaptureFilter.parse("host 198.18.0.1").test(WEB)).isTrue();
        assertThat(CaptureFilter.parse("host 198.18.0.1").test(WEB_REPLY)).isTrue();
        assertThat(CaptureFilter.parse("src host 198.18.0.1").test(WEB)).isFalse();
        assertThat(CaptureFilter.parse("dst host 198.18.0.1").test(WEB)).isTrue();
        assertThat(CaptureFilter.parse("port 80").test(WEB_REPLY)).isTrue();
        assertThat(CaptureFilter.parse("src port 80").test(WEB)).isFalse();
        assertThat(CaptureFilter.parse("dst port 80").test(WEB)).isTrue();
        assertThat(CaptureFilter.parse("host 2001:db8::1").test(SSH6)).isTrue();
        assertThat(CaptureFilter.parse("host 2001:db8:0::1").test(SSH6)).isTrue();
        assertThat(CaptureFilter.parse("host 198.18.0.1").test(SSH6)).isFalse();
        assertThat(CaptureFilter.parse("tcp").test(SSH6)).isTrue();
        assertThat(CaptureFilter.parse("   ")).isSameAs(CaptureFilter.ALL);
    }

    @Test
    void precedenceIsNotThenAndThenOr() {
        // or binds loosest: "port 22 or port 80 and host 198.18.0.9" = port 22 or (port 80 and host …9)
        CaptureFilter f = CaptureFilter.parse("port 22 or port 80 and host 198.18.0.9");
        assertThat(f.test(SSH6)).isTrue();
        assertThat(f.test(WEB)).isFalse();
        assertThat(CaptureFilter.parse("(port 22 or port 80) and host 198.18.0.9")
                        .test(SSH6))
                .isFalse();
        assertThat(CaptureFilter.parse("not port 22 and tcp").test(SSH6)).isFalse();
        assertThat(CaptureFilter.parse("not (port 22 and port 80)").test(SSH6)).isTrue();
        assertThat(CaptureFilter.parse("! port 80 || dst host 198.18.0.1 && tcp")
                        .test(WEB))
                .isTrue();
        assertThat(CaptureFilter.parse("NOT Port 80").test(WEB)).isFalse();
        assertThat(CaptureFilter.parse("not not port 80").test(WEB)).isTrue();
    }

    @Test
    void errorsNameTheColumn() {
        assertError("host example.com", 6, "expected an IPv4 or IPv6 address");
        assertError("port 70000", 6, "expected a port number 0-65535, got '70000'");
        assertError("port 80 and", 12, "got the end of the filter");
        assertError("(port 80", 9, "expected ')' to close the '(' at column 1");
        assertError("(port 80 port 81)", 10, "expected ')' to close the '(' at column 1, got 'port'");
        assertError("port 80 port 81", 9, "expected 'and', 'or' or the end, got 'port'");
        assertError("udp", 1, "expected 'tcp', 'host', 'port', 'src', 'dst', 'not' or '(', got 'udp'");
        assertError("src tcp", 5, "expected 'host' or 'port', got 'tcp'");
        assertError("host 1.2.3.4.5", 6, "got '1.2.3.4.5'");
        assertError("host 1.2.3", 6, "got '1.2.3'");
        assertError("port 8\u00e90", 7, "unexpected character U+00E9");
        assertError(")", 1, "got ')'");
        assertError("port -1", 6, "got '-1'");
    }

    @Test
    void hostileInputIsRefusedNotRecursedInto() {
        assertError("(".repeat(100) + "tcp" + ")".repeat(100), 65, "nested deeper than 64 levels");
        assertError("not ".repeat(100) + "tcp", 257, "nested deeper than 64 levels");
        assertError("tcp and ".repeat(600), 4097, "filter longer than 4096 characters");
        CaptureFilter chain = CaptureFilter.parse("port 1 or ".repeat(300) + "port 80");
        assertThat(chain.test(WEB)).isTrue();
    }

    private static void assertError(String filter, int column, String message) {
        assertThatThrownBy(() -> CaptureFilter.parse(filter))
                .isInstanceOfSatisfying(
                        FilterSyntaxException.class,
                        e -> assertThat(e.column()).as(e.getMessage()).isEqualTo(column))
                .hasMessageContaining(message);
    }
}
