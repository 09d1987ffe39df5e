package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: each row breaks a valid client configuration in one place and names the line,
 * the YAML path and the fragments (the bad value, what is allowed) the problem must show.
 */
class BrokenConfigTest {
    static final String FILE = "client.yaml";

    /** Line numbers below refer to this file. */
    static final String BASE = """
      role: client
      log:
        level: info
      socks5:
        - listen: "127.0.0.1:1080"
      network:
        interface: eth0
        ipv4:
          addr: "192.168.1.100:0"
          router_mac: "aa:bb:cc:dd:ee:ff"
        tcp:
          local_flag: ["PA"]
          remote_flag: ["PA"]
      server:
        addr: "10.0.0.100:9999"
      transport:
        protocol: kcp
        conn: 1
        kcp:
          mode: fast
          mtu: 1350
          sndwnd: 4096
          rcvwnd: 4096
          block: aes
          key: "secret"
      """;

    /** A broken variant: lines replaced (1-based; a replacement may hold several lines), text appended. */
    record Case(
            String name, Map<Integer, String> replace, String append, int line, String path, List<String> fragments) {
        String text() {
            List<String> lines = new ArrayList<>(Arrays.asList(BASE.split("\n")));
            new TreeMap<>(replace).descendingMap().forEach((n, text) -> lines.set(n - 1, text));
            return String.join("\n", lines) + "\n" + append;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case at(String name, int line, String replacement, String path, String... fragments) {
        return new Case(name, Map.of(line, replacement), "", line, path, List.of(fragments));
    }

    static Case appended(String name, String text, int line, String path, String... fragments) {
        return new Case(name, Map.of(), text, line, path, List.of(fragments));
    }

    static Stream<Case> cases() {
        return Stream.of(
                at("role typo", 1, "role: clinet", "role", "\"clinet\"", "client, server", "did you mean client?"),
                at(
                        "log level",
                        3,
                        "  level: verbose",
                        "log.level",
                        "\"verbose\"",
                        "none, debug, info, warn, error, fatal"),
                at("log key typo", 3, "  levle: info", "log.levle", "unknown key", "did you mean level?"),
                at(
                        "socks listen without port",
                        5,
                        "  - listen: \"127.0.0.1\"",
                        "socks5[0].listen",
                        "\"127.0.0.1\"",
                        "host:port"),
                at(
                        "socks listen port too big",
                        5,
                        "  - listen: \"127.0.0.1:70000\"",
                        "socks5[0].listen",
                        "\"127.0.0.1:70000\"",
                        "1-65535"),
                at(
                        "interface too long",
                        7,
                        "  interface: \"this-name-is-too-long\"",
                        "network.interface",
                        "\"this-name-is-too-long\"",
                        "1-15 characters"),
                at(
                        "ipv4 octet too big",
                        9,
                        "    addr: \"192.168.1.300:0\"",
                        "network.ipv4.addr",
                        "\"192.168.1.300:0\"",
                        "IPv4 address"),
                at(
                        "ipv6 in ipv4",
                        9,
                        "    addr: \"[2001:db8::1]:0\"",
                        "network.ipv4.addr",
                        "\"[2001:db8::1]:0\"",
                        "IPv4 address"),
                at(
                        "ipv4 without port",
                        9,
                        "    addr: \"192.168.1.100\"",
                        "network.ipv4.addr",
                        "\"192.168.1.100\"",
                        "port 0-65535"),
                at(
                        "router mac",
                        10,
                        "    router_mac: \"zz:11:22:33:44:55\"",
                        "network.ipv4.router_mac",
                        "\"zz:11:22:33:44:55\"",
                        "is not a MAC address (aa:bb:cc:dd:ee:ff)"),
                at(
                        "router mac short",
                        10,
                        "    router_mac: \"aa:bb:cc\"",
                        "network.ipv4.router_mac",
                        "\"aa:bb:cc\"",
                        "MAC address"),
                at(
                        "tcp flag letter",
                        12,
                        "    local_flag: [\"PX\"]",
                        "network.tcp.local_flag[0]",
                        "\"PX\"",
                        "F S R P A U E C N"),
                // paqet's letters are upper-case only: "pa" is no flag combination there, nor here.
                at(
                        "tcp flag lower case",
                        12,
                        "    local_flag: [\"PA\", \"pa\"]",
                        "network.tcp.local_flag[1]",
                        "\"pa\"",
                        "invalid TCP flag 'p' at position 0"),
                at(
                        "tcp flags not a list",
                        13,
                        "    remote_flag: PA",
                        "network.tcp.remote_flag",
                        "\"PA\"",
                        "is not a list"),
                at("server without port", 15, "  addr: \"10.0.0.100\"", "server.addr", "\"10.0.0.100\"", "host:port"),
                at(
                        "server ipv6 without ipv6 network",
                        15,
                        "  addr: \"[2001:db8::5]:9999\"",
                        "server.addr",
                        "IPv6",
                        "network.ipv6 is not configured"),
                at("transport protocol", 17, "  protocol: quic", "transport.protocol", "\"quic\"", "kcp"),
                at("conn zero", 18, "  conn: 0", "transport.conn", "0 is out of range", "1..256"),
                at("conn too many", 18, "  conn: 300", "transport.conn", "300", "1..256"),
                at("conn not a number", 18, "  conn: many", "transport.conn", "\"many\"", "not an integer"),
                at(
                        "mode typo",
                        20,
                        "    mode: fastt",
                        "transport.kcp.mode",
                        "\"fastt\"",
                        "normal, fast, fast2, fast3, manual",
                        "did you mean fast?"),
                at("mtu too small", 21, "    mtu: 49", "transport.kcp.mtu", "49", "50..1500"),
                at("mtu too big", 21, "    mtu: 1501", "transport.kcp.mtu", "1501", "50..1500"),
                at("sndwnd zero", 22, "    sndwnd: 0", "transport.kcp.sndwnd", "0", "1..32768"),
                at("sndwnd too big", 22, "    sndwnd: 40000", "transport.kcp.sndwnd", "40000", "1..32768"),
                at(
                        "sndwnd typo",
                        22,
                        "    sndwdn: 1024",
                        "transport.kcp.sndwdn",
                        "unknown key",
                        "did you mean sndwnd?"),
                at("rcvwnd fraction", 23, "    rcvwnd: 1.5", "transport.kcp.rcvwnd", "1.5", "not an integer"),
                at(
                        "block unknown",
                        24,
                        "    block: aes-256",
                        "transport.kcp.block",
                        "\"aes-256\"",
                        "aes, aes-128, aes-128-gcm"),
                at(
                        "key missing",
                        25,
                        "    key: \"\"",
                        "transport.kcp.key",
                        "is required with block aes",
                        "paqet secret"),
                at(
                        "key in the wrong section",
                        17,
                        "  key: secret",
                        "transport.key",
                        "unknown key",
                        "it belongs in transport.kcp or transport.kcp.guard"),
                new Case(
                        "conn > 1 with a fixed port",
                        Map.of(9, "    addr: \"192.168.1.100:5000\"", 18, "  conn: 4"),
                        "",
                        18,
                        "transport.conn",
                        List.of("4 connections", "port 5000", "use port 0")),
                new Case(
                        "ipv6 port differs",
                        Map.of(10, "    router_mac: \"aa:bb:cc:dd:ee:ff\"\n  ipv6:\n    addr: \"[2001:db8::1]:5\""),
                        "",
                        12,
                        "network.ipv6.addr",
                        List.of("port 5", "network.ipv4.addr port 0")),
                appended(
                        "duplicate key",
                        "    key: \"other\"",
                        26,
                        "transport.kcp.key",
                        "given twice",
                        "first on line 25"),
                appended(
                        "keepalive not a duration",
                        "    smuxkalive: \"2 seconds\"",
                        26,
                        "transport.kcp.smuxkalive",
                        "\"2 seconds\"",
                        "not a duration"),
                appended(
                        "keepalive in hex",
                        "    smuxkalive: 0x10",
                        26,
                        "transport.kcp.smuxkalive",
                        "0x10",
                        "not a duration"),
                appended(
                        "smuxbuf too small",
                        "    smuxbuf: 512",
                        26,
                        "transport.kcp.smuxbuf",
                        "512",
                        "1024..1073741824"),
                appended(
                        "streambuf above smuxbuf",
                        "    streambuf: 8388608",
                        26,
                        "transport.kcp.streambuf",
                        "8388608",
                        "larger than smuxbuf 4194304"),
                appended(
                        "timeout below keepalive",
                        "    smuxktimeout: 1",
                        26,
                        "transport.kcp.smuxktimeout",
                        "1s",
                        "shorter than smuxkalive 2s"),
                appended(
                        "too many shards",
                        "    dshard: 200\n    pshard: 100",
                        27,
                        "transport.kcp.pshard",
                        "dshard + pshard = 300",
                        "256"),
                appended("smux version", "    smuxver: 3", 26, "transport.kcp.smuxver", "3", "1..2"),
                appended("kdf", "    kdf: argon2", 26, "transport.kcp.kdf", "\"argon2\"", "paqet, kcptun"),
                appended(
                        "guard window zero",
                        "    guard:\n      window: 0s",
                        27,
                        "transport.kcp.guard.window",
                        "\"0s\"",
                        "out of range (1s..1h)"),
                appended(
                        "guard enabled not boolean",
                        "    guard:\n      enabled: maybe",
                        27,
                        "transport.kcp.guard.enabled",
                        "\"maybe\"",
                        "true or false"),
                appended(
                        "access rule prefix",
                        "access:\n  allow: [\"10.0.0.0/33\"]",
                        27,
                        "access.allow[0]",
                        "\"10.0.0.0/33\"",
                        "CIDR"),
                appended("access on a client", "access:\n  deny: []", 26, "access", "enforced by the server"),
                appended("kcptun with socks5", "kcptun:\n  listen: \"127.0.0.1:8388\"", 4, "socks5", "kcptun mode"),
                appended(
                        "status without port",
                        "status:\n  listen: \"localhost\"",
                        27,
                        "status.listen",
                        "\"localhost\"",
                        "host:port"),
                appended(
                        "negative timeout",
                        "limits:\n  dial_timeout: -1s",
                        27,
                        "limits.dial_timeout",
                        "\"-1s\"",
                        "not a duration"),
                appended(
                        "forward protocol",
                        "forward:\n  - listen: \"127.0.0.1:8080\"\n    target: \"example.com:80\"\n    protocol: sctp",
                        29,
                        "forward[0].protocol",
                        "\"sctp\"",
                        "tcp, udp"),
                appended(
                        "forward on the socks5 port",
                        "forward:\n  - {listen: \"127.0.0.1:1080\", target: \"example.com:53\", protocol: udp}",
                        27,
                        "forward[0].listen",
                        "\"127.0.0.1:1080\"",
                        "already the udp listener of socks5[0].listen"),
                at("server without host", 15, "  addr: \":9999\"", "server.addr", "\":9999\"", "with a host"),
                new Case(
                        "manual knob out of range",
                        Map.of(20, "    mode: manual"),
                        "    interval: 5",
                        26,
                        "transport.kcp.interval",
                        List.of("5 is out of range", "10..5000")),
                appended(
                        "forward without target",
                        "forward:\n  - listen: \"127.0.0.1:8080\"",
                        27,
                        "forward[0].target",
                        "is required"),
                new Case(
                        "socks user without password",
                        Map.of(5, "  - listen: \"127.0.0.1:1080\"\n    username: alice"),
                        "",
                        6,
                        "socks5[0].username",
                        List.of("password is not", "username and password go together")),
                new Case(
                        "server role with socks5",
                        Map.of(1, "role: server"),
                        "",
                        4,
                        "socks5",
                        List.of("only used by a client")),
                appended("section given as scalar", "status: 9090", 26, "status", "9090", "not a mapping"),
                appended("alias", "    smuxbuf: &big 8388608\n    streambuf: *big", 27, "", "YAML aliases (*big)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsFileLinePathAndValue(Case c) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(FILE, c.text()));
        assertThat(e).as("no problem found in:\n%s", c.text()).isNotNull();
        assertThat(e.problems()).as("problems: %s", e.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.line()).isEqualTo(c.line());
            assertThat(p.path()).isEqualTo(c.path());
            assertThat(p.message()).contains(c.fragments());
            assertThat(p.toString())
                    .startsWith(FILE + ":" + c.line() + ": " + (c.path().isEmpty() ? "" : c.path() + ": "));
        });
    }

    @Test
    void baseIsValid() throws ConfigException {
        assertThat(ConfigLoader.parse(FILE, BASE).warnings()).isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        String text = BASE.replace("level: info", "level: loud")
                .replace("mtu: 1350", "mtu: 9000")
                .replace("router_mac: \"aa:bb:cc:dd:ee:ff\"", "router_mac: nope");
        assertThatThrownBy(() -> ConfigLoader.parse(FILE, text))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::line)
                                .containsExactly(3, 10, 21));
    }

    @Test
    void syntaxErrorsNameTheLine() {
        String text = BASE.replace("    mode: fast", "    mode: [fast");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(FILE, text));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("YAML syntax error: ");
            assertThat(p.line()).isBetween(20, 22);
        });
    }

    @Test
    void tabsAreASyntaxError() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConfigLoader.parse(FILE, "role: client\nlog:\n\tlevel: info\n"));
        assertThat(e.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.line()).isEqualTo(3));
    }

    @Test
    void missingRoleAndEmptyFile() {
        assertThatThrownBy(() -> ConfigLoader.parse(FILE, "# nothing\n"))
                .hasMessage(FILE + ": is empty; a configuration needs at least role, network and transport.kcp.key");
        assertThatThrownBy(() -> ConfigLoader.parse(FILE, BASE.replace("role: client", "# no role")))
                .hasMessageContaining(FILE + ": role: is required: client or server");
    }
}
