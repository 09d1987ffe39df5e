package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.packet.testing.NetnsPair;

/**
 * {@code paqet run} with the raw TCP carrier on real hosts: the server process in one network
 * namespace, the client process in another, joined by a veth pair. Interface, source address and
 * next-hop MAC come from the kernel (the client has no router_mac), firewall rules are installed
 * by the processes and gone after they exit on SIGTERM.
 */
class RunRawNamespaceTest {

  private static final int TUNNEL_PORT = 27_182;
  private static final int SOCKS_PORT = 27_183;
  private final List<Process> processes = new ArrayList<>();
  private NetnsPair pair;

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (pair != null) {
      pair.close();
    }
  }

  private static String mac(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  private Process paqetIn(NetnsPair.Side side, Path errLog, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "org.paqet4j.cli.Paqet"));
    command.addAll(List.of(args));
    Process p = NetnsPair.exec(side, command.toArray(String[]::new)).redirectError(errLog.toFile()).start();
    processes.add(p);
    return p;
  }

  private static String firstLine(Process p, Path errLog) throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // process ended
      }
    });
    String line = lines.poll(30, TimeUnit.SECONDS);
    assertThat(line).as("startup line; stderr: %s", Files.readString(errLog)).isNotNull();
    return line;
  }

  private static String rules(NetnsPair.Side side) throws IOException, InterruptedException {
    Process p = NetnsPair.exec(side, "sh", "-c", "nft list ruleset 2>/dev/null; iptables-save 2>/dev/null")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  @Test
  void clientAndServerProcessesTunnelOverRawTcpBetweenNamespaces() throws Exception {
    pair = NetnsPair.create("tr");
    pair.resolveNeighbours();
    NetnsPair.Side a = pair.a();
    NetnsPair.Side b = pair.b();
    // The target lives in the server's namespace, on its loopback.
    ServerSocket echo = pair.inA(() -> new ServerSocket(0, 16, InetAddress.getLoopbackAddress()));
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          Thread.ofVirtual().start(() -> {
            try (s) {
              s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
              // peer went away
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
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
        """.formatted(TUNNEL_PORT, a.device(), a.ipv4().getHostAddress(), TUNNEL_PORT, mac(b.mac())));
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
        """.formatted(SOCKS_PORT, b.ipv4().getHostAddress(), a.ipv4().getHostAddress(), TUNNEL_PORT));
    try (echo) {
      Process serverProcess = paqetIn(a, dir.resolve("server.err"), "run", "-c", server.toString());
      assertThat(firstLine(serverProcess, dir.resolve("server.err"))).isEqualTo("server listening on "
          + a.ipv4().getHostAddress() + ":" + TUNNEL_PORT + " (raw TCP on " + a.device() + " from "
          + a.ipv4().getHostAddress() + ", cipher aes-128-gcm)");
      assertThat(rules(a)).contains(Integer.toString(TUNNEL_PORT));
      Process clientProcess = paqetIn(b, dir.resolve("client.err"), "run", "-c", client.toString());
      assertThat(firstLine(clientProcess, dir.resolve("client.err")))
          .isEqualTo("client: 2 connection(s) to " + a.ipv4().getHostAddress() + ":" + TUNNEL_PORT + ", cipher aes-128-gcm");

      byte[] payload = new byte[1 << 20];
      new java.util.Random(3).nextBytes(payload);
      byte[] back = pair.inB(() -> {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), SOCKS_PORT)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(HexFormat.of().parseHex("050100" + "050100017f000001"
                + String.format("%04x", echo.getLocalPort())));
            s.getInputStream().readNBytes(12);
            Thread writer = Thread.ofVirtual().start(() -> {
              try {
                s.getOutputStream().write(payload);
              } catch (IOException e) {
                // the reader reports the short read
              }
            });
            byte[] got = s.getInputStream().readNBytes(payload.length);
            writer.join();
            return got;
          } catch (IOException e) {
            if (System.nanoTime() > end) {
              throw e;
            }
            Thread.sleep(200); // the SOCKS5 listener is still starting
          }
        }
      });
      assertThat(back).isEqualTo(payload);

      Process ping = paqetIn(b, dir.resolve("ping.err"), "ping", "-c", client.toString(), "-n", "3", "-i", "100ms");
      String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(pingOut).contains("3 sent, 3 received, 0% loss");

      for (Process p : List.of(clientProcess, serverProcess)) {
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
      assertThat(rules(a)).doesNotContain(Integer.toString(TUNNEL_PORT));
    }
  }
}
