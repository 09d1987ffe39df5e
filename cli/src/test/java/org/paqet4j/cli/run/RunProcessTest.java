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
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code paqet run} as real processes (UDP carrier on loopback): the startup lines, traffic through
 * the SOCKS5 listener and a TCP forward, {@code paqet ping}, and SIGTERM ending both with exit 0.
 */
class RunProcessTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private ProcessBuilder paqet(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.paqet4j.cli.Paqet"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Starts {@code paqet run -c file} and returns the first {@code lines} lines of its stdout. */
    private List<String> start(Path config, int lines, Path errLog) throws Exception {
        Process p = paqet("run", "-c", config.toString())
                .redirectError(errLog.toFile())
                .start();
        processes.add(p);
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        });
        List<String> got = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            String line = out.poll(30, TimeUnit.SECONDS);
            assertThat(line)
                    .as("startup line %d of %s; stderr: %s", i, config, Files.readString(errLog))
                    .isNotNull();
            got.add(line);
        }
        return got;
    }

    @Test
    void clientAndServerRunCarryTrafficAnswerPingAndExitZeroOnSigterm() throws Exception {
        int tunnelPort = freePort();
        int socksPort = freePort();
        int forwardPort = freePort();
        int statusPort = freePort();
        try (ServerSocket echo = new ServerSocket(0, 16, LOOPBACK)) {
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
            addr: "127.0.0.1:%d"
          network:
            carrier: udp
            ipv4:
              addr: "127.0.0.1:%d"
          transport:
            protocol: kcp
            kcp:
              block: aes
              key: "run process test"
          """.formatted(tunnelPort, tunnelPort));
            Path client = Files.writeString(dir.resolve("client.yaml"), """
          role: client
          socks5:
            - listen: "127.0.0.1:%d"
          forward:
            - listen: "127.0.0.1:%d"
              target: "127.0.0.1:%d"
              protocol: tcp
          network:
            carrier: udp
            ipv4:
              addr: "127.0.0.1:0"
          server:
            addr: "127.0.0.1:%d"
          transport:
            protocol: kcp
            conn: 2
            kcp:
              block: aes
              key: "run process test"
          status:
            listen: "127.0.0.1:%d"
          """.formatted(
                            socksPort, forwardPort, echo.getLocalPort(), tunnelPort, statusPort));

            assertThat(start(server, 1, dir.resolve("server.err")))
                    .containsExactly("server listening on 127.0.0.1:" + tunnelPort + " (UDP, cipher aes)");
            assertThat(start(client, 4, dir.resolve("client.err")))
                    .containsExactly(
                            "client: 2 connection(s) to 127.0.0.1:" + tunnelPort + ", cipher aes",
                            "SOCKS5 listening on 127.0.0.1:" + socksPort,
                            "TCP forward 127.0.0.1:" + forwardPort + " -> 127.0.0.1:" + echo.getLocalPort(),
                            "status endpoint on http://127.0.0.1:" + statusPort + "/");

            try (Socket s = new Socket(LOOPBACK, forwardPort)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write("via forward".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(11), StandardCharsets.US_ASCII))
                        .isEqualTo("via forward");
            }
            try (Socket s = new Socket(LOOPBACK, socksPort)) {
                s.setSoTimeout(20_000);
                s.getOutputStream()
                        .write(HexFormat.of()
                                .parseHex("050100" + "050100017f000001" + String.format("%04x", echo.getLocalPort())));
                assertThat(s.getInputStream().readNBytes(12)[3]).isZero();
                s.getOutputStream().write("via socks".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(9), StandardCharsets.US_ASCII))
                        .isEqualTo("via socks");
            }

            Process ping = paqet("ping", "-c", client.toString(), "-n", "3", "-i", "100ms")
                    .redirectErrorStream(true)
                    .start();
            processes.add(ping);
            String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ping.exitValue()).as(pingOut).isZero();
            assertThat(pingOut).contains("3 sent, 3 received, 0% loss, rtt min/avg/max = ");

            Process status = paqet("status", "-c", client.toString(), "--json")
                    .redirectErrorStream(true)
                    .start();
            processes.add(status);
            String statusOut = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(status.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(status.exitValue()).as(statusOut).isZero();
            assertThat(statusOut).contains("\"role\" : \"client\"", "\"kind\" : \"tcp_forward\"");

            for (Process p : List.of(processes.get(1), processes.get(0))) {
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(15, TimeUnit.SECONDS))
                        .as("exits within the shutdown budget")
                        .isTrue();
                assertThat(p.exitValue()).isZero();
            }
            assertThat(Files.readString(dir.resolve("client.err")))
                    .contains("SIGTERM, shutting down", "shutdown finished");
        }
    }

    /**
     * kcptun mode: Debian's kcptun-client with its default flags (compression, FEC 10/3, smux v1)
     * talks to {@code paqet run} with a kcptun-mode file that sets only the key and the cipher.
     */
    @Test
    void kcptunClientTalksToAKcptunModeServer() throws Exception {
        int tunnelPort = freePort();
        int kcptunLocal = freePort();
        try (ServerSocket echo = new ServerSocket(0, 16, LOOPBACK)) {
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
            Path server = Files.writeString(
                    dir.resolve("kcptun-server.yaml"), """
          role: server
          listen:
            addr: "127.0.0.1:%d"
          kcptun:
            target: "127.0.0.1:%d"
          transport:
            protocol: kcp
            kcp:
              block: aes
              key: "kcptun mode test"
          """.formatted(tunnelPort, echo.getLocalPort()));
            assertThat(start(server, 1, dir.resolve("server.err")))
                    .containsExactly("server listening on 127.0.0.1:" + tunnelPort
                            + " in kcptun mode, streams to 127.0.0.1:" + echo.getLocalPort() + " (UDP, cipher aes)");
            Process kcptun = new ProcessBuilder(
                            "kcptun-client",
                            "--localaddr",
                            "127.0.0.1:" + kcptunLocal,
                            "--remoteaddr",
                            "127.0.0.1:" + tunnelPort,
                            "--key",
                            "kcptun mode test",
                            "--crypt",
                            "aes")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("kcptun.log").toFile())
                    .start();
            processes.add(kcptun);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            byte[] payload = new byte[256 * 1024];
            new Random(9).nextBytes(payload);
            while (true) {
                try (Socket s = new Socket(LOOPBACK, kcptunLocal)) {
                    s.setSoTimeout(20_000);
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            s.getOutputStream().write(payload);
                        } catch (IOException e) {
                            // the reader reports the short read
                        }
                    });
                    assertThat(s.getInputStream().readNBytes(payload.length)).isEqualTo(payload);
                    writer.join();
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    Thread.sleep(100); // kcptun-client is still starting
                }
            }
            Process paqet = processes.get(0);
            paqet.destroy();
            assertThat(paqet.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(paqet.exitValue()).isZero();
        }
    }
}
