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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet run} with the raw TCP carrier on real hosts: the server process in one network
 * namespace, the client process in another, joined by a veth pair (198.18.x.x only inside them).
 * Interface, source address and next-hop MAC of the client come from the kernel; both install
 * their firewall rules and remove them when SIGTERM ends them. Traffic: curl in the client's
 * namespace through SOCKS5 to python's http.server in the server's namespace.
 */
@NetnsTest
class RunRawNamespaceTest {

    private static final int TUNNEL_PORT = 27_182;
    private static final int SOCKS_PORT = 27_183;
    private static final int HTTP_PORT = 27_184;
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
        byte[] file = new byte[4 << 20];
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

        Path server = Files.writeString(
                dir.resolve("server.yaml"), """
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
        """.formatted(TUNNEL_PORT, serverDevice, serverIp, TUNNEL_PORT, clientMac));
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
        """.formatted(SOCKS_PORT, clientIp, serverIp, TUNNEL_PORT));

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

        Process ping =
                hosts.paqetIn(nsB, dir.resolve("ping.err"), "ping", "-c", client.toString(), "-n", "3", "-i", "100ms");
        String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pingOut).contains("3 sent, 3 received, 0% loss");

        for (Process p : List.of(clientProcess, serverProcess)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(rules(nsA)).doesNotContain(Integer.toString(TUNNEL_PORT));
    }
}
