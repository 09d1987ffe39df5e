package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.paqet4j.cli.run.NamespaceProcesses.firstLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.status.PrometheusText;
import org.paqet4j.cli.status.StatusClient;
import org.paqet4j.cli.status.StatusReport;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet run} with the raw TCP carrier on real hosts: the server process in one network
 * namespace, the client process in another, joined by a veth pair (198.18.x.x only inside them).
 * Interface, source address and next-hop MAC of the client come from the kernel; both install
 * their firewall rules and remove them when SIGTERM ends them. Traffic: curl in the client's
 * namespace through SOCKS5 to python's http.server in the server's namespace (20 MiB), and a target
 * the server denies; then both status endpoints: /metrics parsed, bytes and the denial counted,
 * the session's RTT, {@code paqet status --json}.
 */
@NetnsTest
class RunRawNamespaceTest {

    private static final int TUNNEL_PORT = 27_182;
    private static final int SOCKS_PORT = 27_183;
    private static final int HTTP_PORT = 27_184;
    private static final int STATUS_PORT = 27_185;
    private static final int FILE_SIZE = 20 << 20;
    private final NamespaceProcesses hosts = new NamespaceProcesses();

    @TempDir
    Path dir;

    private NetnsPair pair;

    @AfterEach
    void stop() throws Exception {
        hosts.close();
        if (pair != null) {
            pair.close();
        }
    }

    /** {@code /metrics} of the paqet in {@code ns} (its status endpoint on the namespace's loopback). */
    private static String metrics(String ns) throws IOException {
        return Commands.inNamespace(ns)
                .withTimeout(Duration.ofMinutes(1))
                .check(
                        "curl",
                        "-sS",
                        // the endpoint starts after the tunnel's startup line: on a busy machine a moment later
                        "--retry",
                        "20",
                        "--retry-connrefused",
                        "--retry-delay",
                        "1",
                        "--max-time",
                        "30",
                        "http://127.0.0.1:" + STATUS_PORT + "/metrics");
    }

    /** The namespace's nftables ruleset and iptables rules, as far as the tools are installed. */
    private static String rules(String ns) throws IOException {
        Commands inside = Commands.inNamespace(ns);
        return inside.run("nft", "list", "ruleset").stdout()
                + inside.run("iptables-save").stdout();
    }

    @Test
    void clientAndServerProcessesTunnelOverRawTcpBetweenNamespaces() throws Exception {
        pair = NetnsPair.create("tr");
        // Neighbours resolved both ways before the raw carrier sends its first frame.
        pair.resolveNeighbours();
        String nsA = pair.a().namespace();
        String nsB = pair.b().namespace();
        String serverIp = pair.a().ipv4().getHostAddress();
        String clientIp = pair.b().ipv4().getHostAddress();
        String serverDevice = pair.a().device();
        String clientMac = HexFormat.ofDelimiter(":").formatHex(pair.b().mac());

        Path www = Files.createDirectory(dir.resolve("www"));
        byte[] file = new byte[FILE_SIZE];
        new Random(4).nextBytes(file);
        Files.write(www.resolve("f.bin"), file);
        hosts.startIn(
                nsA,
                dir.resolve("http.log"),
                "python3",
                "-m",
                "http.server",
                Integer.toString(HTTP_PORT),
                "--bind",
                "127.0.0.1",
                "--directory",
                www.toString());

        Path server = Files.writeString(dir.resolve("server.yaml"), """
        role: server
        listen:
          addr: ":%d"
        network:
          interface: "%s"
          carrier: raw
          ipv4:
            addr: "%s:%d"
            router_mac: "%s"
        transport:
          protocol: kcp
          kcp:
            block: aes-128-gcm
            key: "raw namespace test"
        status:
          listen: "127.0.0.1:%d"
        """.formatted(
                        TUNNEL_PORT, serverDevice, serverIp, TUNNEL_PORT, clientMac, STATUS_PORT));
        Path client = Files.writeString(
                dir.resolve("client.yaml"), """
        role: client
        socks5:
          - listen: "127.0.0.1:%d"
        network:
          carrier: raw
          ipv4:
            addr: "%s:0"
        server:
          addr: "%s:%d"
        transport:
          protocol: kcp
          conn: 2
          kcp:
            block: aes-128-gcm
            key: "raw namespace test"
        status:
          listen: "127.0.0.1:%d"
        """.formatted(SOCKS_PORT, clientIp, serverIp, TUNNEL_PORT, STATUS_PORT));

        Process serverProcess = hosts.paqetIn(nsA, dir.resolve("server.err"), "run", "-c", server.toString());
        assertThat(firstLine(serverProcess, dir.resolve("server.err")))
                .isEqualTo("server listening on " + serverIp + ":" + TUNNEL_PORT + " (raw TCP on " + serverDevice
                        + " from " + serverIp + ", cipher aes-128-gcm)");
        assertThat(rules(nsA)).contains(Integer.toString(TUNNEL_PORT));
        Process clientProcess = hosts.paqetIn(nsB, dir.resolve("client.err"), "run", "-c", client.toString());
        assertThat(firstLine(clientProcess, dir.resolve("client.err")))
                .isEqualTo("client: 2 connection(s) to " + serverIp + ":" + TUNNEL_PORT + ", cipher aes-128-gcm");

        Path got = dir.resolve("got.bin");
        // curl's own limits (--max-time, retries) come first; the runner's deadline is a backstop
        String curl = Commands.inNamespace(nsB)
                .withTimeout(Duration.ofMinutes(3))
                .check(
                        "curl",
                        "-sS",
                        "--retry",
                        "5",
                        "--retry-connrefused",
                        "--retry-delay",
                        "1",
                        "--max-time",
                        "60",
                        "--socks5-hostname",
                        "127.0.0.1:" + SOCKS_PORT,
                        "-o",
                        got.toString(),
                        "http://localhost:" + HTTP_PORT + "/f.bin");
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(got))))
                .as(curl)
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(file)));

        // A target the server's default access rules deny (link-local): the stream just ends.
        Commands.inNamespace(nsB)
                .withTimeout(Duration.ofMinutes(1))
                .run(
                        "curl",
                        "-sS",
                        "--max-time",
                        "20",
                        "--socks5",
                        "127.0.0.1:" + SOCKS_PORT,
                        "http://169.254.1.1:" + HTTP_PORT + "/f.bin");
        String serverText = metrics(nsA);
        String clientText = metrics(nsB);
        assertPrometheusClientParses(serverText, dir.resolve("server-metrics.txt"));
        assertPrometheusClientParses(clientText, dir.resolve("client-metrics.txt"));
        Map<String, Double> serverMetrics = PrometheusText.parse(serverText);
        Map<String, Double> clientMetrics = PrometheusText.parse(clientText);
        assertThat(serverMetrics.get("paqet_carrier_bytes_sent_total")).isGreaterThanOrEqualTo(FILE_SIZE);
        assertThat(serverMetrics.get("paqet_kcp_bytes_sent_total")).isGreaterThanOrEqualTo(FILE_SIZE);
        assertThat(serverMetrics.get("paqet_server_dials_total{result=\"denied\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(serverMetrics.get("paqet_server_access_denied_total")).isGreaterThanOrEqualTo(1);
        assertThat(clientMetrics.get("paqet_carrier_bytes_received_total")).isGreaterThanOrEqualTo(FILE_SIZE);
        assertThat(clientMetrics.get("paqet_kcp_bytes_received_total")).isGreaterThanOrEqualTo(FILE_SIZE);
        // The session that carried the download had a round-trip time.
        assertThat(clientMetrics.entrySet().stream()
                        .filter(e -> e.getKey().startsWith("paqet_session_rtt_seconds{"))
                        .mapToDouble(Map.Entry::getValue)
                        .max()
                        .orElse(0))
                .as("the largest session RTT")
                .isPositive();
        Process status = hosts.paqetIn(nsB, dir.resolve("status.err"), "status", "-c", client.toString(), "--json");
        String statusJson = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(status.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(status.exitValue()).as(statusJson).isZero();
        StatusReport report = StatusClient.parse(statusJson);
        assertThat(report.role()).isEqualTo("client");
        assertThat(report.carrier().description()).startsWith("raw TCP on ");
        assertThat(report.sessions()).isNotEmpty();
        assertThat(metrics(nsA) + statusJson).doesNotContain("raw namespace test");

        Process ping =
                hosts.paqetIn(nsB, dir.resolve("ping.err"), "ping", "-c", client.toString(), "-n", "3", "-i", "100ms");
        String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Each PING waits a fixed time for its PONG; on two cores shared with other builds the first
        // one of a fresh process can miss it. The tunnel answering at all is what this checks.
        assertThat(pingOut).containsPattern("3 sent, [123] received");

        for (Process p : List.of(clientProcess, serverProcess)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(rules(nsA)).doesNotContain(Integer.toString(TUNNEL_PORT));
    }

    /**
     * The exposition is also read by an implementation that is not ours: the official Python client's
     * text parser (Debian's python3-prometheus-client), which raises on anything it cannot parse.
     */
    private static void assertPrometheusClientParses(String text, Path file) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Commands.Result parsed = Commands.onHost()
                .withTimeout(Duration.ofMinutes(1))
                .run(
                        "/usr/bin/python3", // Debian's, where the package installs the module
                        "-c",
                        "import sys\n"
                                + "from prometheus_client.parser import text_string_to_metric_families\n"
                                + "families = list(text_string_to_metric_families(open(sys.argv[1]).read()))\n"
                                + "print(len(families), sum(len(f.samples) for f in families))",
                        file.toString());
        assertThat(parsed.exitCode())
                .as("prometheus_client parses %s: %s", file.getFileName(), parsed.stderr())
                .isZero();
        assertThat(parsed.stdout().trim()).as("families and samples").doesNotStartWith("0 ");
    }
}
