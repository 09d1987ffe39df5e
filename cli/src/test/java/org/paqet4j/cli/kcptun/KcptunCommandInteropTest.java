package org.paqet4j.cli.kcptun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.kcp.KcptunProcess;

/**
 * The same command line given to kcptun and to {@code paqet kcptun}, only the program name changed:
 * {@code paqet kcptun client ARGS} against {@code kcptun-server}, and {@code kcptun-client ARGS}
 * against {@code paqet kcptun server ARGS}; 256 KiB echoed through each pair, SHA-256 checked.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KcptunCommandInteropTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String KEY = "drop-in key";

    private final List<AutoCloseable> resources = new ArrayList<>();
    private ServerSocket echo;

    @TempDir
    Path dir;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, LOOPBACK);
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException e) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
        echo.close();
    }

    /** {@code paqet kcptun ARGS} in a child JVM, ended (and its output deleted) after the test. */
    private Path paqet(String side, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.paqet4j.cli.Paqet",
                "kcptun",
                side));
        command.addAll(args);
        Path log = dir.resolve("paqet-" + side + ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        resources.add(() -> {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        });
        return log;
    }

    @Test
    void paqetKcptunClientWithKcptunClientsCommandLineAgainstKcptunServer() throws Exception {
        int udp = KcptunProcess.freeUdpPort();
        int tcp = KcptunProcess.freeTcpPort();
        KcptunProcess server = KcptunProcess.server(
                "127.0.0.1:" + udp, "127.0.0.1:" + echo.getLocalPort(), List.of("--key", KEY, "--crypt", "aes"));
        resources.add(server);
        server.awaitLog("listening on", java.time.Duration.ofSeconds(10));
        // a kcptun-client command line, as a user would type it
        List<String> clientArgs =
                List.of("-l", "127.0.0.1:" + tcp, "-r", "127.0.0.1:" + udp, "--key", KEY, "--crypt", "aes", "--quiet");
        Path log = paqet("client", clientArgs);
        try {
            echoThrough(tcp, 1);
        } catch (Exception | AssertionError e) {
            throw server.failure("paqet kcptun client log: " + Files.readString(log), e);
        }
    }

    @Test
    void kcptunClientAgainstPaqetKcptunServerWithKcptunServersCommandLine() throws Exception {
        int udp = KcptunProcess.freeUdpPort();
        int tcp = KcptunProcess.freeTcpPort();
        // single-dash long names, as kcptun's flag parser also accepts
        Path log = paqet(
                "server",
                List.of(
                        "-l",
                        "127.0.0.1:" + udp,
                        "-t",
                        "127.0.0.1:" + echo.getLocalPort(),
                        "-key",
                        KEY,
                        "-crypt",
                        "salsa20",
                        "-mode",
                        "fast2"));
        KcptunProcess client = KcptunProcess.client(
                "127.0.0.1:" + tcp, "127.0.0.1:" + udp, List.of("-key", KEY, "-crypt", "salsa20", "-mode", "fast2"));
        resources.add(client);
        try {
            echoThrough(tcp, 2);
        } catch (Exception | AssertionError e) {
            throw client.failure("paqet kcptun server log: " + Files.readString(log), e);
        }
    }

    /** 256 KiB, half random and half text, through the TCP listener on {@code port}, echoed and checked. */
    private static void echoThrough(int port, int seed) throws Exception {
        byte[] payload = new byte[256 * 1024];
        Random random = new Random(seed);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (i / 4096) % 2 == 0 ? (byte) random.nextInt() : (byte) ('a' + i % 23);
        }
        try (Socket s = connectWithRetry(port)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(payload);
                    out.flush();
                } catch (IOException e) {
                    // the reader fails with the details
                }
            });
            s.setSoTimeout(60_000);
            InputStream in = s.getInputStream();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[16384];
            int total = 0;
            while (total < payload.length) {
                int n = in.read(buf, 0, Math.min(buf.length, payload.length - total));
                if (n < 0) {
                    throw new IOException("echo ended after " + total + " of " + payload.length + " bytes");
                }
                digest.update(buf, 0, n);
                total += n;
            }
            writer.join();
            assertThat(digest.digest())
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
        }
    }

    /** The listener comes up when the child JVM has started; connecting also proves the stream opens. */
    private static Socket connectWithRetry(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return new Socket(LOOPBACK, port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
