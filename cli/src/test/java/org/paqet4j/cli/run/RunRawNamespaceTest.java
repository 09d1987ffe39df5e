package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.paqet4j.cli.run.NamespaceProcesses.firstLine;
import static org.paqet4j.packet.testing.NetnsPair.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.packet.sys.Commands;
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

  @AfterEach
  void stop() throws Exception {
    hosts.close();
  }

  /** The namespace's nftables ruleset and iptables rules, as far as the tools are installed. */
  private static String rules(String ns) throws IOException {
    Commands inside = Commands.inNamespace(ns);
    return inside.run("nft", "list", "ruleset").stdout() + inside.run("iptables-save").stdout();
  }

  /** Creates the two namespaces and the veth pair; returns [device A, device B, MAC of B]. */
  private String[] link(String nsA, String nsB, String devA, String devB, int n) throws Exception {
    run("ip", "netns", "add", nsA);
    hosts.track(nsA);
    run("ip", "netns", "add", nsB);
    hosts.track(nsB);
    run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
    String[] ns = {nsA, nsB};
    String[] dev = {devA, devB};
    for (int i = 0; i < 2; i++) {
      run("ip", "-n", ns[i], "link", "set", "lo", "up");
      run("ip", "-n", ns[i], "addr", "add", "198.18." + n + "." + (i + 1) + "/24", "dev", dev[i]);
      run("ip", "-n", ns[i], "link", "set", dev[i], "up");
    }
    Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(run("ip", "-n", nsB, "-o", "link", "show", devB));
    assertThat(m.find()).isTrue();
    // Resolve the neighbours both ways before the raw carrier sends its first frame.
    run("ip", "netns", "exec", nsB, "ping", "-c", "1", "-W", "2", "198.18." + n + ".1");
    return new String[] {devA, devB, m.group(1)};
  }

  @Test
  void clientAndServerProcessesTunnelOverRawTcpBetweenNamespaces() throws Exception {
    int n = ThreadLocalRandom.current().nextInt(1, 255);
    String id = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    String nsA = "p4j-tr-" + id + "-a";
    String nsB = "p4j-tr-" + id + "-b";
    String[] link = link(nsA, nsB, "p4jtr" + id + "a", "p4jtr" + id + "b", n);
    String serverIp = "198.18." + n + ".1";
    String clientIp = "198.18." + n + ".2";

    Path www = Files.createDirectory(dir.resolve("www"));
    byte[] file = new byte[4 << 20];
    new Random(4).nextBytes(file);
    Files.write(www.resolve("f.bin"), file);
    hosts.startIn(nsA, dir.resolve("http.log"), "python3", "-m", "http.server", Integer.toString(HTTP_PORT), "--bind",
        "127.0.0.1", "--directory", www.toString());

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
        """.formatted(TUNNEL_PORT, link[0], serverIp, TUNNEL_PORT, link[2]));
    Path client = Files.writeString(dir.resolve("client.yaml"), """
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
    assertThat(firstLine(serverProcess, dir.resolve("server.err"))).isEqualTo("server listening on " + serverIp
        + ":" + TUNNEL_PORT + " (raw TCP on " + link[0] + " from " + serverIp + ", cipher aes-128-gcm)");
    assertThat(rules(nsA)).contains(Integer.toString(TUNNEL_PORT));
    Process clientProcess = hosts.paqetIn(nsB, dir.resolve("client.err"), "run", "-c", client.toString());
    assertThat(firstLine(clientProcess, dir.resolve("client.err")))
        .isEqualTo("client: 2 connection(s) to " + serverIp + ":" + TUNNEL_PORT + ", cipher aes-128-gcm");

    Path got = dir.resolve("got.bin");
    String curl = run("ip", "netns", "exec", nsB, "curl", "-sS", "--retry", "5", "--retry-connrefused",
        "--retry-delay", "1", "--max-time", "60", "--socks5-hostname", "127.0.0.1:" + SOCKS_PORT,
        "-o", got.toString(), "http://localhost:" + HTTP_PORT + "/f.bin");
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(got))))
        .as(curl).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));

    Process ping = hosts.paqetIn(nsB, dir.resolve("ping.err"), "ping", "-c", client.toString(), "-n", "3", "-i", "100ms");
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
