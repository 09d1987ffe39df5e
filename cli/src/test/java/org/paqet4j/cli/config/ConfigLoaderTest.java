package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;

/** paqet4j's own keys, defaults, warnings and file handling. */
class ConfigLoaderTest {
    static final String SEEDS = "/org/paqet4j/cli/config/ConfigLoaderFuzzInputs/load/";

    static PaqetConfig seed(String name) throws IOException, ConfigException {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream(SEEDS + name)) {
            return ConfigLoader.parse(name, in.readAllBytes()).config();
        }
    }

    @Test
    void everyPaqet4jKeyIsRead() throws Exception {
        PaqetConfig c = seed("everything-server");
        assertThat(c.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(c.listen()).contains(new HostPort("::", 9999));
        assertThat(c.network().ipv4().orElseThrow().routerMac().orElseThrow()).hasToString("02:00:00:00:00:01");
        assertThat(c.network().ipv6().orElseThrow().addr()).isEqualTo("[2001:db8::1]:9999");
        assertThat(c.network().localFlag()).extracting(FlagCombination::letters).containsExactly("PA", "A", "S");
        assertThat(c.network().firewall()).isEqualTo(FirewallMode.OFF);
        KcpConfig kcp = c.transport().kcp();
        assertThat(kcp.tuning()).isEqualTo(new KcpTuning(1, 15, 2, true, false, true));
        assertThat(kcp.block()).isEqualTo(BlockCrypt.AES_128_GCM);
        assertThat(kcp.smuxkalive()).isEqualTo(Duration.ofMillis(500));
        assertThat(kcp.smuxktimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(kcp.guard())
                .isEqualTo(new GuardConfig(
                        true, java.util.Optional.of("g"), Duration.ofMinutes(1), Duration.ofSeconds(2)));
        assertThat(c.status().listen()).contains(new HostPort("127.0.0.1", 9090));
        assertThat(c.limits())
                .isEqualTo(new LimitsConfig(
                        8,
                        100,
                        400,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(3),
                        Duration.ofMillis(2500),
                        100,
                        10,
                        Duration.ofSeconds(30),
                        64L << 20));
        AccessConfig access = c.access();
        assertThat(access.permits(InetAddress.ofLiteral("198.18.3.4"), 22)).isTrue();
        assertThat(access.permits(InetAddress.ofLiteral("198.18.0.9"), 22)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("2001:db8::7"), 443)).isTrue();
        assertThat(access.permits(InetAddress.ofLiteral("2001:db8::7"), 80)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("10.1.2.3"), 8080)).isTrue();
        assertThat(access.permits(InetAddress.ofLiteral("10.1.2.3"), 9000)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("192.0.2.1"), 80)).isFalse();
    }

    @Test
    void defaultAccessDeniesLinkLocalAndMetadata() throws Exception {
        AccessConfig access = seed("paqet-server-example").access();
        assertThat(access.permits(InetAddress.ofLiteral("169.254.169.254"), 80)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("fd00:ec2::254"), 80)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("fe80::1"), 22)).isFalse();
        // Alibaba Cloud's metadata endpoint is not link-local.
        assertThat(access.permits(InetAddress.ofLiteral("100.100.100.200"), 80)).isFalse();
        assertThat(access.permits(InetAddress.ofLiteral("93.184.216.34"), 443)).isTrue();
        assertThat(access.deny())
                .extracting(AccessRule::toString)
                .containsExactly("169.254.0.0/16", "fe80::/10", "169.254.169.254", "fd00:ec2::254", "100.100.100.200");
    }

    @Test
    void kcptunModeDefaultsToUdpAndKcptunKeys() throws Exception {
        PaqetConfig client = seed("kcptun-client");
        assertThat(client.kcptunMode()).isTrue();
        assertThat(client.network().carrier()).isEqualTo(Carrier.UDP);
        assertThat(client.transport().kcp().kdf()).isEqualTo(Kdf.KCPTUN);
        assertThat(client.transport().kcp().smuxver()).isEqualTo(1);
        assertThat(client.transport().kcp().fec()).isTrue();
        assertThat(client.kcptun().orElseThrow().listen()).contains(new HostPort("127.0.0.1", 12948));
        PaqetConfig server = seed("kcptun-server");
        assertThat(server.kcptun().orElseThrow().target()).contains(new HostPort("127.0.0.1", 22));
        assertThat(server.network().ipv4()).isEmpty();
    }

    @Test
    void linesStayRightWithCrlfLineEnds() {
        String text = "role: client\r\nnetwork:\r\n  ipv4: {addr: \"1.2.3.4\"}\r\n";
        assertThatThrownBy(() -> ConfigLoader.parse("w.yaml", text))
                .hasMessageContaining("w.yaml:3: network.ipv4.addr: \"1.2.3.4\"");
    }

    @Test
    void kcptunModeRejectsPaqetOnlySettings() {
        String text = """
        role: client
        network: {carrier: raw, ipv4: {addr: "198.18.0.2:0"}}
        server: {addr: "198.18.0.1:29900"}
        transport: {kcp: {key: k, kdf: paqet, guard: {enabled: true}}}
        kcptun: {target: "127.0.0.1:22"}
        """;
        assertThatThrownBy(() -> ConfigLoader.parse("k.yaml", text))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems())
                                .extracting(ConfigProblem::path)
                                .containsExactlyInAnyOrder(
                                        "network.carrier",
                                        "transport.kcp.kdf",
                                        "transport.kcp.guard.enabled",
                                        "kcptun.listen",
                                        "kcptun.target"));
    }

    @Test
    void warnsAboutIgnoredAndOddSettings() throws Exception {
        String text = """
        role: client
        network:
          ipv4: {addr: "198.18.0.2:0"}
          pcap: {sockbuf: 5000000}
        server: {addr: "198.18.0.1:9999"}
        listen: {addr: ":1"}
        transport:
          kcp: {key: k, interval: 5, dshard: 10, smuxver: 1}
        """;
        LoadedConfig loaded = ConfigLoader.parse("w.yaml", text);
        assertThat(loaded.warnings())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "w.yaml: a client without socks5 or forward entries carries no traffic",
                        "w.yaml:4: network.pcap.sockbuf: 5000000 is not a power of two; 4194304 (4 MiB) or 8388608 (8 MiB) are usual",
                        "w.yaml:6: listen.addr: is only used by a server; a client ignores it",
                        "w.yaml:8: transport.kcp.interval: is ignored unless mode is manual (mode fast sets interval 30)",
                        "w.yaml:8: transport.kcp.dshard: FEC is off unless both dshard and pshard are positive",
                        "w.yaml:8: transport.kcp.smuxver: paqet speaks smux v2; v1 only works between paqet4j peers (or with kcptun)");
        assertThat(loaded.config().transport().kcp().tuning()).isEqualTo(KcpMode.FAST.tuning());
    }

    @Test
    void anEmptyFlagCombinationIsAPacketWithoutFlagsAsInPaqet() throws Exception {
        String text = """
        role: client
        socks5:
          - listen: "127.0.0.1:1080"
        network:
          ipv4: {addr: "198.18.0.2:0"}
          tcp: {local_flag: ["", "AP"], remote_flag: ["PA"]}
        server: {addr: "198.18.0.1:9999"}
        transport:
          kcp: {key: k}
        """;
        PaqetConfig c = ConfigLoader.parse("f.yaml", text).config();
        assertThat(c.network().localFlag()).extracting(FlagCombination::letters).containsExactly("", "AP");
        assertThat(c.network().localFlag()).extracting(FlagCombination::mask).containsExactly((short) 0, (short) 24);
    }

    @Test
    void warnsAboutRiskyClientSettings() throws Exception {
        String text = """
        role: client
        socks5:
          - listen: ":1080"
          - listen: "127.0.0.1:1081"
          - listen: "localhost:1082"
          - listen: "198.18.0.2:1083"
            username: u
            password: p
        network:
          ipv4: {addr: "198.18.0.2:0"}
        server: {addr: "198.18.0.1:9999"}
        transport:
          kcp: {block: none}
        """;
        LoadedConfig loaded = ConfigLoader.parse("c.yaml", text);
        assertThat(loaded.warnings())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "c.yaml:3: socks5[0].listen: SOCKS5 on every address without username and password: anyone who can reach"
                                + " the port uses the tunnel and the server's network; listen on 127.0.0.1 or set username and password",
                        "c.yaml:13: transport.kcp.block: none encrypts nothing: anyone on the path reads the traffic and can forge"
                                + " datagrams; use aes or aes-128-gcm unless this is a test");
    }

    @Test
    void warnsAboutRiskyServerSettings() throws Exception {
        String publicServer = """
        role: server
        listen: {addr: ":9999"}
        network:
          ipv4: {addr: "203.0.113.7:9999"}
        transport:
          kcp: {key: k}
        access:
          deny: []
        """;
        assertThat(ConfigLoader.parse("s.yaml", publicServer).warnings())
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        "s.yaml:2: listen.addr: the server receives on 203.0.113.7 with the packet guard off"
                                + " (transport.kcp.guard.enabled): anyone on the internet can make it decrypt forged datagrams and"
                                + " replay captured ones; enable the guard on both ends",
                        "s.yaml:8: access.deny: is empty: clients may reach anything the server can, including link-local"
                                + " addresses and the cloud metadata endpoint 169.254.169.254; keep the default list unless this"
                                + " is a test");
        String guarded = publicServer
                .replace("kcp: {key: k}", "kcp: {key: k, guard: {enabled: true, key: g}}")
                .replace("deny: []", "deny: [\"169.254.0.0/16\"]");
        assertThat(ConfigLoader.parse("s.yaml", guarded).warnings()).isEmpty();
        String privateServer =
                publicServer.replace("203.0.113.7", "10.0.0.1").replace("deny: []", "deny: [\"fe80::/10\"]");
        assertThat(ConfigLoader.parse("s.yaml", privateServer).warnings()).isEmpty();
        String everyAddress = """
        role: server
        listen: {addr: ":9999"}
        network: {carrier: udp}
        transport:
          kcp: {key: k}
        """;
        assertThat(ConfigLoader.parse("s.yaml", everyAddress).warnings())
                .extracting(ConfigProblem::message)
                .singleElement()
                .asString()
                .startsWith("the server receives on every address with the packet guard off");
    }

    @Test
    void serverPortsMustAgree() {
        String text = """
        role: server
        listen: {addr: ":9998"}
        network: {ipv4: {addr: "198.18.0.1:9999"}}
        transport: {kcp: {block: none}}
        """;
        assertThatThrownBy(() -> ConfigLoader.parse("s.yaml", text))
                .hasMessage(
                        "s.yaml:2: listen.addr: port 9998 differs from network.ipv4.addr port 9999; the packets arrive at the network port, so they must match");
    }

    @Test
    void filesFromWindowsEditorsLoad() throws Exception {
        assertThat(seed("utf8-bom")).isEqualTo(seed("crlf-line-ends"));
    }

    @Test
    void durationsTakeSecondsOrGoStrings() {
        assertThat(GoDuration.parse("1h2m3.5s")).contains(Duration.ofMillis(3_723_500));
        assertThat(GoDuration.parse("250us")).contains(Duration.ofNanos(250_000));
        assertThat(GoDuration.parse("1.5h")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("0")).contains(Duration.ZERO);
        assertThat(GoDuration.parse("5")).isEmpty();
        assertThat(GoDuration.parse("-1s")).isEmpty();
        assertThat(GoDuration.parse("1d")).isEmpty();
        assertThat(GoDuration.parse("99999999999h")).isEmpty();
        assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
    }

    @Test
    void suggestionsFindTyposOnly() {
        var keys = ConfigSchema.keysOf("transport.kcp");
        assertThat(Suggestions.nearest("sndwdn", keys)).contains("sndwnd");
        assertThat(Suggestions.nearest("smuxkeepalive", keys)).contains("smuxkalive");
        assertThat(Suggestions.nearest("compression", keys)).isEmpty();
        assertThat(Suggestions.nearest("MTU", keys)).contains("mtu");
        assertThat(Suggestions.nearest("zzzzzz", keys)).isEmpty();
    }

    @Test
    void ipv6IsPrintedInRfc5952Form() {
        assertThat(IpLiterals.format(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1")))
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpLiterals.format(InetAddress.ofLiteral("::"))).isEqualTo("::");
        assertThat(IpLiterals.format(InetAddress.ofLiteral("fe80::"))).isEqualTo("fe80::");
        assertThat(IpLiterals.format(InetAddress.ofLiteral("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7");
    }

    @Test
    void fileProblemsNameTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ": no such file");
        Path big = Files.write(dir.resolve("big.yaml"), new byte[ConfigLoader.MAX_FILE_BYTES + 1]);
        assertThatThrownBy(() -> ConfigLoader.load(big)).hasMessageContaining("is larger than");
        Path latin1 = Files.write(dir.resolve("l.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9});
        assertThatThrownBy(() -> ConfigLoader.load(latin1)).hasMessage(latin1 + ": is not UTF-8 text");
    }

    private static final String STATUS_BASE = """
            role: server
            listen: {addr: ":9999"}
            network:
              ipv4: {addr: "198.18.0.1:9999"}
            transport:
              kcp: {key: k}
            """;

    @Test
    void statusOffLoopbackNeedsALongEnoughToken() throws Exception {
        ConfigException open = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.parse("s.yaml", STATUS_BASE + "status: {listen: \"0.0.0.0:9090\"}\n"));
        assertThat(open.problems())
                .extracting(ConfigProblem::toString)
                .anySatisfy(p ->
                        assertThat(p).contains("status.token", "required", "0.0.0.0:9090", "not a loopback address"));

        ConfigException shortToken = catchThrowableOfType(
                ConfigException.class,
                () -> ConfigLoader.parse(
                        "s.yaml", STATUS_BASE + "status: {listen: \"0.0.0.0:9090\", token: \"short\"}\n"));
        assertThat(shortToken.problems())
                .extracting(ConfigProblem::toString)
                .anySatisfy(p -> assertThat(p).contains("status.token", "at least 16"));

        StatusConfig withToken = ConfigLoader.parse(
                        "s.yaml", STATUS_BASE + "status: {listen: \"0.0.0.0:9090\", token: \"0123456789abcdef\"}\n")
                .config()
                .status();
        assertThat(withToken.token()).contains("0123456789abcdef");
        assertThat(withToken.toString()).doesNotContain("0123456789abcdef");
        for (String loopback : List.of("127.0.0.1:9090", "[::1]:9090", "localhost:9090")) {
            assertThat(ConfigLoader.parse("s.yaml", STATUS_BASE + "status: {listen: \"" + loopback + "\"}\n")
                            .config()
                            .status()
                            .token())
                    .as(loopback)
                    .isEmpty();
        }
        // run --check hides the token unless asked to show secrets.
        PaqetConfig c = ConfigLoader.parse(
                        "s.yaml", STATUS_BASE + "status: {listen: \"0.0.0.0:9090\", token: \"0123456789abcdef\"}\n")
                .config();
        assertThat(EffectiveConfigWriter.write(c, false)).doesNotContain("0123456789abcdef");
        assertThat(EffectiveConfigWriter.write(c, true)).contains("0123456789abcdef");
    }
}
