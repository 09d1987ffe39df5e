package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code paqet ping --raw} in a client namespace seen by {@code paqet dump} in a server namespace
 * (both child JVMs under {@code ip netns exec}, namespaces {@code p4j-dump-<random>} joined by a veth
 * pair with 198.18.x.x addresses), and the pcap dump writes read back by tshark.
 */
class DumpPingNamespaceTest {

  private static final int TUNNEL_PORT = 27_191;
  private static final int CLIENT_PORT = 27_192;
  private final List<Process> processes = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeEach
  void root() {
    assumeFalse(Boolean.getBoolean("paqet.skipNetns"), "network namespace tests are switched off");
  }

  @AfterEach
  void stop() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (Process p : processes) {
      p.waitFor(5, TimeUnit.SECONDS);
    }
    for (String ns : namespaces) {
      new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** tshark's standard output (it warns about running as root on stderr). */
  private static String tshark(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tshark"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
    return out;
  }

  private Process paqetIn(String ns, Path errLog, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
        ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), "org.paqet4j.cli.Paqet"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(errLog.toFile()).start();
    processes.add(p);
    return p;
  }

  private static BlockingQueue<String> lines(Process p) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    return lines;
  }

  @Test
  void rawPingsAreSeenByDumpAndItsPcapReadsInTshark() throws Exception {
    int n = ThreadLocalRandom.current().nextInt(1, 255);
    String id = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    String server = "p4j-dump-" + id + "-s";
    String client = "p4j-dump-" + id + "-c";
    String serverDev = "p4jd" + id + "s";
    String clientDev = "p4jd" + id + "c";
    run("ip", "netns", "add", server);
    namespaces.add(server);
    run("ip", "netns", "add", client);
    namespaces.add(client);
    run("ip", "link", "add", serverDev, "netns", server, "type", "veth", "peer", "name", clientDev, "netns", client);
    String serverIp = "198.18." + n + ".1";
    String clientIp = "198.18." + n + ".2";
    for (String[] side : new String[][] {{server, serverDev, serverIp}, {client, clientDev, clientIp}}) {
      run("ip", "-n", side[0], "link", "set", "lo", "up");
      run("ip", "-n", side[0], "addr", "add", side[2] + "/24", "dev", side[1]);
      run("ip", "-n", side[0], "link", "set", side[1], "up");
    }
    Matcher mac = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(run("ip", "-n", client, "-o", "link", "show", clientDev));
    assertThat(mac.find()).isTrue();
    run("ip", "netns", "exec", client, "ping", "-c", "1", "-W", "2", serverIp);

    // The server's interface comes from its configuration; the client's from the kernel's route.
    Path serverYaml = Files.writeString(dir.resolve("server.yaml"), """
        role: server
        listen:
          addr: ":%d"
        network:
          interface: "%s"
          ipv4:
            addr: "%s:%d"
            router_mac: "%s"
        transport:
          protocol: kcp
          kcp:
            key: "dump test"
        """.formatted(TUNNEL_PORT, serverDev, serverIp, TUNNEL_PORT, mac.group(1)));
    Path clientYaml = Files.writeString(dir.resolve("client.yaml"), """
        role: client
        socks5:
          - listen: "127.0.0.1:1080"
        network:
          ipv4:
            addr: "%s:%d"
          tcp:
            local_flag: ["PA", "A"]
        server:
          addr: "%s:%d"
        transport:
          protocol: kcp
          kcp:
            key: "dump test"
        """.formatted(clientIp, CLIENT_PORT, serverIp, TUNNEL_PORT));

    Path pcap = dir.resolve("x.pcap");
    Process dump = paqetIn(server, dir.resolve("dump.err"), "dump", "-c", serverYaml.toString(), "--write",
        pcap.toString(), "--count", "4");
    BlockingQueue<String> dumpLines = lines(dump);
    String first = dumpLines.poll(30, TimeUnit.SECONDS);
    assertThat(first).as("dump's first line; stderr: %s", Files.readString(dir.resolve("dump.err")))
        .isEqualTo("capturing tunnel port " + TUNNEL_PORT + " on " + serverDev + ", writing " + pcap
            + " (no firewall rules installed)");

    Process ping = paqetIn(client, dir.resolve("ping.err"), "ping", "-c", clientYaml.toString(), "--raw",
        "--payload", "hello dump", "-n", "4", "-i", "50ms");
    String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ping.exitValue()).as("%s %s", pingOut, Files.readString(dir.resolve("ping.err"))).isZero();
    assertThat(pingOut).startsWith("RAW PING " + "/" + serverIp + ":" + TUNNEL_PORT + " from raw TCP on "
        + clientDev + " from " + clientIp + " port " + CLIENT_PORT + ": 4 packet(s) of 10 payload bytes")
        .contains("4 sent, 40 payload bytes");

    assertThat(dump.waitFor(30, TimeUnit.SECONDS)).as("dump stops after --count packets").isTrue();
    assertThat(dump.exitValue()).isZero();
    List<String> out = new ArrayList<>();
    dumpLines.drainTo(out);
    String prefix = clientIp + ":" + CLIENT_PORT + " → " + serverIp + ":" + TUNNEL_PORT;
    List<String> packets = out.stream().filter(l -> l.contains(" → ")).toList();
    assertThat(packets).as(String.join("\n", out)).hasSize(4);
    // The client's flag cycle PA, A, PA, A.
    for (int i = 0; i < 4; i++) {
      assertThat(packets.get(i)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} " + Pattern.quote(prefix)
          + " \\[" + (i % 2 == 0 ? "PA" : "A") + "\\] seq \\d+ ack \\d+ len 10");
    }
    assertThat(out).filteredOn(l -> l.startsWith("00000000  68 65 6c 6c 6f 20 64 75  6d 70")).hasSize(4)
        .allMatch(l -> l.endsWith("|hello dump|"));
    assertThat(out.getLast()).isEqualTo("--- 4 captured, 4 tunnel packets, 0 without payload, 0 bad "
        + "(0 checksum, 0 truncated, 0 not TCP), 0 dropped by the kernel ---");

    assertThat(tshark("-r", pcap.toString(), "-T", "fields", "-e", "tcp.dstport", "-e", "tcp.flags.str",
        "-e", "data.len").lines().toList())
        .containsExactly(TUNNEL_PORT + "\t·······AP···\t10", TUNNEL_PORT + "\t·······A····\t10",
            TUNNEL_PORT + "\t·······AP···\t10", TUNNEL_PORT + "\t·······A····\t10");
    assertThat(tshark("-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-Y", "tcp.checksum.status==2"))
        .as("no bad checksums").isBlank();
    assertThat(tshark("-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-Y", "tcp.checksum.status==1")
        .lines().count()).as("all checksums verified good").isEqualTo(4);
  }
}
