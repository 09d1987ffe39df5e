package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.paqet4j.kcp.KcpMode;

/**
 * The effective configuration {@code run --check} prints loads back to an equal configuration,
 * and printing that again gives the same text: defaults, durations, IPv6 forms, MACs and
 * access rules all survive the round trip.
 */
class EffectiveConfigProperties {

    @Property(tries = 300)
    void effectiveConfigLoadsBackEqual(@ForAll("configs") String yaml) throws ConfigException {
        PaqetConfig original = ConfigLoader.parse("generated.yaml", yaml).config();
        String effective = EffectiveConfigWriter.write(original, true);
        PaqetConfig reloaded = ConfigLoader.parse("effective.yaml", effective).config();
        assertThat(reloaded).as("effective configuration:\n%s", effective).isEqualTo(original);
        assertThat(EffectiveConfigWriter.write(reloaded, true)).isEqualTo(effective);
    }

    @Provide
    Arbitrary<String> configs() {
        return Arbitraries.of(Role.values())
                .flatMap(role -> Combinators.combine(
                                Arbitraries.of(LogLevel.values()).map(l -> "log: {level: " + l.yamlName() + "}\n"),
                                role == Role.CLIENT ? clientParts() : serverParts(),
                                network(role),
                                kcp(),
                                limits(),
                                Arbitraries.integers()
                                        .between(1, 256)
                                        .map(c -> role == Role.CLIENT ? "  conn: " + c + "\n" : ""))
                        .as((log, roleParts, network, kcp, limits, conn) -> "role: " + role.yamlName() + "\n" + log
                                + roleParts + network + "transport:\n" + conn + kcp + limits));
    }

    private static Arbitrary<Integer> port() {
        return Arbitraries.integers().between(1, 65535);
    }

    private static Arbitrary<String> clientParts() {
        Arbitrary<String> socks = Combinators.combine(
                        port(), Arbitraries.strings().alpha().ofMinLength(0).ofMaxLength(8))
                .as((p, user) -> "  - listen: \"127.0.0.1:" + p + "\"\n"
                        + (user.isEmpty() ? "" : "    username: \"" + user + "\"\n    password: \"p" + user + "\"\n"));
        Arbitrary<String> forward = Combinators.combine(
                        port(),
                        port(),
                        Arbitraries.of("tcp", "udp"),
                        Arbitraries.of("example.com", "198.18.0.9", "[2001:db8:0:0::9]"))
                .as((l, t, proto, host) -> "  - {listen: \"[::1]:" + l + "\", target: \"" + host + ":" + t
                        + "\", protocol: " + proto + "}\n");
        // one listener per address: the first line (socks5) or the text up to the first comma (forward) holds it
        return Combinators.combine(
                        socks.list()
                                .ofMinSize(1)
                                .ofMaxSize(3)
                                .uniqueElements(e -> e.lines().findFirst().orElseThrow()),
                        forward.list().ofMaxSize(2).uniqueElements(e -> e.substring(0, e.indexOf(','))),
                        port())
                .as((s, f, serverPort) -> "socks5:\n" + String.join("", s)
                        + (f.isEmpty() ? "" : "forward:\n" + String.join("", f))
                        + "server: {addr: \"198.18.0.1:" + serverPort + "\"}\n");
    }

    private static Arbitrary<String> serverParts() {
        Arbitrary<String> rule = Arbitraries.of(
                "198.18.0.0/15",
                "10.1.2.3/8:443",
                "192.0.2.7",
                "[2001:db8::/32]:8000-8999",
                "fd00::/8",
                "0.0.0.0/0:22");
        return Combinators.combine(rule.list().ofMaxSize(3), rule.list().ofMaxSize(3), Arbitraries.of(true, false))
                .as((allow, deny, explicitDeny) -> "listen: {addr: \":9999\"}\naccess:\n" + "  allow: [" + quoted(allow)
                        + "]\n" + (explicitDeny ? "  deny: [" + quoted(deny) + "]\n" : ""));
    }

    private static String quoted(List<String> items) {
        return items.stream().map(i -> "\"" + i + "\"").collect(Collectors.joining(", "));
    }

    private static Arbitrary<String> network(Role role) {
        String port = role == Role.SERVER ? "9999" : "0";
        Arbitrary<String> mac = Arbitraries.longs()
                .between(0, 0xFFFF_FFFF_FFFFL)
                .map(bits -> String.format("%012x", bits).replaceAll("(..)(?!$)", "$1:"));
        Arbitrary<String> flags = Arbitraries.strings()
                .withChars("FSRPAUECN")
                .ofMinLength(1)
                .ofMaxLength(4)
                .list()
                .ofMaxSize(4)
                .map(l -> "[" + String.join(", ", l) + "]");
        return Combinators.combine(
                        mac.injectNull(0.5),
                        Arbitraries.of(true, false),
                        flags,
                        flags,
                        Arbitraries.integers().between(10, 26).map(shift -> 1 << shift),
                        Arbitraries.of("eth0", "veth-p4j", ""),
                        Arbitraries.of("auto", "off"))
                .as((routerMac, v6, local, remote, sockbuf, iface, firewall) -> "network:\n"
                        + (iface.isEmpty() ? "" : "  interface: " + iface + "\n")
                        + "  ipv4:\n    addr: \"198.18.0.2:" + port + "\"\n"
                        + (routerMac == null ? "" : "    router_mac: \"" + routerMac + "\"\n")
                        + (v6 ? "  ipv6: {addr: \"[2001:0db8:0000::2]:" + port + "\"}\n" : "")
                        + "  tcp: {local_flag: " + local + ", remote_flag: " + remote + "}\n"
                        + "  pcap: {sockbuf: " + sockbuf + "}\n  firewall: " + firewall + "\n");
    }

    private static Arbitrary<String> duration(int minMillis, int maxMillis) {
        return Arbitraries.integers()
                .between(minMillis, maxMillis)
                .map(ms -> ms % 1000 == 0 ? String.valueOf(ms / 1000) : ms + "ms");
    }

    private static Arbitrary<String> kcp() {
        Arbitrary<String> manual = Combinators.combine(
                        Arbitraries.integers().between(0, 1),
                        Arbitraries.integers().between(10, 5000),
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 1),
                        Arbitraries.of(true, false),
                        Arbitraries.of(true, false))
                .as((nd, iv, rs, nc, wd, ack) -> "    nodelay: " + nd + "\n    interval: " + iv + "\n    resend: " + rs
                        + "\n    nocongestion: " + nc + "\n    wdelay: " + wd + "\n    acknodelay: " + ack + "\n");
        Arbitrary<String> mode = Arbitraries.of(KcpMode.values())
                .flatMap(m -> m == KcpMode.MANUAL
                        ? manual.map(knobs -> "    mode: manual\n" + knobs)
                        : Arbitraries.just("    mode: " + m.configName() + "\n"));
        Arbitrary<String> windows = Combinators.combine(
                        Arbitraries.integers().between(50, 1500),
                        Arbitraries.integers().between(1, 32768),
                        Arbitraries.integers().between(1, 32768),
                        Arbitraries.integers().between(0, 128),
                        Arbitraries.integers().between(0, 128))
                .as((mtu, rcv, snd, d, p) -> "    mtu: " + mtu + "\n    rcvwnd: " + rcv + "\n    sndwnd: " + snd
                        + "\n    dshard: " + d + "\n    pshard: " + p + "\n");
        Arbitrary<String> crypto = Combinators.combine(
                        Arbitraries.of(BlockCrypt.values()),
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24))
                .as((block, key) -> "    block: " + block.yamlName() + "\n    key: \"" + key + "\"\n");
        Arbitrary<String> smux = Combinators.combine(
                        Arbitraries.integers().between(20, 26),
                        Arbitraries.integers().between(10, 20),
                        Arbitraries.integers().between(1, 60_000),
                        Arbitraries.integers().between(0, 60_000),
                        Arbitraries.integers().between(1, 2))
                .as((bufShift, streamShift, kalive, extra, ver) ->
                        "    smuxbuf: " + (1 << bufShift) + "\n    streambuf: "
                                + (1 << Math.min(streamShift, bufShift)) + "\n    smuxkalive: "
                                + (kalive % 1000 == 0 ? kalive / 1000 : kalive + "ms")
                                + "\n    smuxktimeout: " + (kalive + extra) + "ms\n    smuxver: " + ver + "\n");
        Arbitrary<String> guard = Combinators.combine(
                        Arbitraries.of(true, false),
                        Arbitraries.strings().alpha().ofMaxLength(6),
                        duration(5_000, 3_600_000),
                        duration(0, 5_000))
                .as((on, key, window, skew) ->
                        "    guard: {enabled: " + on + (key.isEmpty() ? "" : ", key: \"" + key + "\"") + ", window: "
                                + window + ", skew: " + skew + "}\n");
        return Combinators.combine(mode, windows, crypto, smux, guard)
                .as((m, w, c, s, g) -> "  kcp:\n" + m + w + c + s + g);
    }

    private static Arbitrary<String> limits() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 65535),
                        Arbitraries.integers().between(1, 1 << 20),
                        duration(1, 600_000),
                        duration(1, 600_000),
                        duration(1, 600_000))
                .as((sessions, streams, header, dial, handshake) -> "limits:\n  max_sessions: " + sessions
                        + "\n  max_streams_per_session: " + streams + "\n  header_timeout: " + header
                        + "\n  dial_timeout: " + dial + "\n  handshake_timeout: " + handshake + "\n");
    }
}
