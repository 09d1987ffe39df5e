package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.socks.Socks5Server;

/**
 * Floods of idle connections against the SOCKS5 port. The first drives this very process to its
 * file-descriptor limit so that {@code accept()} fails with "Too many open files" (a listener
 * that gave up then never served again); the second stays under the fd limit but over the
 * listener's connection cap. Both times a curl download started before the flood keeps going
 * (SHA-256 checked) and a new download succeeds once the flood is gone. The fd limit of this
 * JVM is lowered with {@code prlimit} for about a second and restored however the test ends.
 */
class ListenerFloodTest {

    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(TunnelHarness.LOOPBACK, 0);
    private static final int FILE_SIZE = 4 << 20;

    @TempDir
    Path dir;

    @Test
    void socks5ServesAgainAfterTheProcessRanOutOfFileDescriptors() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        long baselineFds = openFds();
        try (LocalHttpServer http = new LocalHttpServer(www);
                TunnelHarness tunnel = TunnelHarness.overSockets(1);
                Socks5Server socks = Socks5Server.start(
                        ANY_LOOPBACK,
                        tunnel.client,
                        Optional.empty(),
                        Duration.ofSeconds(60),
                        16,
                        new ListenerLimits(1_000_000, 16, Duration.ofSeconds(60)))) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("file.bin", FILE_SIZE, 7);
            String smallSha = http.generate("small.bin", 64 << 10, 9);
            // Slow on purpose: it must still be running while the process has no descriptor left.
            CompletableFuture<Integer> parallel = download(socks, http, "parallel", "file.bin", "--limit-rate", "1M");
            awaitBytes(dir.resolve("parallel.bin"));

            List<AutoCloseable> hoard = new ArrayList<>();
            long softLimit = softFdLimit();
            try {
                setSoftFdLimit(openFds() + 200);
                for (int i = 0; i < 60; i++) {
                    hoard.add(new Socket(
                            TunnelHarness.LOOPBACK, socks.localAddress().getPort()));
                }
                takeEveryFreeDescriptor(hoard);
                // One descriptor for a client socket; the listener has none left for accepting it.
                // Other threads of this process may take or release a descriptor meanwhile (the
                // listener's accept retry among them), so each attempt frees one, connects, takes back
                // whatever is free, and waits for the failed accept; a lost race is simply tried again.
                int port = socks.localAddress().getPort();
                for (int attempt = 0; socks.listener().acceptErrors() == 0 && attempt < 20; attempt++) {
                    hoard.removeLast().close();
                    try {
                        hoard.add(new Socket(TunnelHarness.LOOPBACK, port));
                    } catch (SocketException e) {
                        assertThat(e.getMessage()).contains("Too many open files");
                        continue;
                    }
                    takeEveryFreeDescriptor(hoard);
                    long waitEnd = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                    while (socks.listener().acceptErrors() == 0 && System.nanoTime() < waitEnd) {
                        Thread.sleep(20);
                    }
                }
                assertThat(socks.listener().acceptErrors())
                        .as("accept failed at the fd limit")
                        .isPositive();
                Thread.sleep(500);
            } finally {
                for (AutoCloseable c : hoard) {
                    c.close();
                }
                setSoftFdLimit(softLimit);
            }

            // The flood is gone: the port must serve a new download at once (curl gives up after 2 s).
            long released = System.nanoTime();
            CompletableFuture<Integer> after = download(socks, http, "after", "small.bin", "--max-time", "2");
            assertThat(after.get()).as(log("after")).isZero();
            System.err.printf(
                    "fd flood: %d failed accepts retried; download after the flood done in %d ms%n",
                    socks.listener().acceptErrors(), (System.nanoTime() - released) / 1_000_000);
            assertThat(LocalHttpServer.sha256(dir.resolve("after.bin"))).isEqualTo(smallSha);
            assertThat(parallel.get()).as(log("parallel")).isZero();
            assertThat(LocalHttpServer.sha256(dir.resolve("parallel.bin"))).isEqualTo(sha);
            awaitConnections(socks, 0);
        }
        assertThat(openFds())
                .as("descriptors back near the baseline of %d", baselineFds)
                .isLessThan(baselineFds + 64);
    }

    /** Opens /dev/null until the process has no descriptor left. */
    private static void takeEveryFreeDescriptor(List<AutoCloseable> hoard) {
        try {
            while (true) {
                hoard.add(new FileInputStream("/dev/null"));
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("Too many open files");
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnceAndCounted() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        int cap = 20;
        try (LocalHttpServer http = new LocalHttpServer(www);
                TunnelHarness tunnel = TunnelHarness.overSockets(1);
                Socks5Server socks = Socks5Server.start(
                        ANY_LOOPBACK,
                        tunnel.client,
                        Optional.empty(),
                        Duration.ofSeconds(60),
                        16,
                        new ListenerLimits(cap, 16, Duration.ofSeconds(60)))) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("file.bin", FILE_SIZE, 8);
            CompletableFuture<Integer> parallel = download(socks, http, "parallel", "file.bin", "--limit-rate", "1M");
            awaitBytes(dir.resolve("parallel.bin"));
            int before = socks.connectionCount();

            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = new Socket(
                            TunnelHarness.LOOPBACK, socks.localAddress().getPort());
                    s.setSoTimeout(5000);
                    flood.add(s);
                }
                long waitEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (socks.listener().refusedOverLimit() < 200 - (cap - before) && System.nanoTime() < waitEnd) {
                    Thread.sleep(20);
                }
                // Exactly the connections beyond the free slots are refused; the parallel download
                // may end meanwhile and free one more slot.
                assertThat(socks.listener().refusedOverLimit()).isBetween(200L - cap, 200L - (cap - before));
                assertThat(socks.connectionCount()).isLessThanOrEqualTo(cap);
                // A refused connection learns at once: it is closed, not left in the accept queue.
                Socket last = flood.getLast();
                assertThat(readOrReset(last)).isEqualTo(-1);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (socks.connectionCount() > before && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(socks.connectionCount())
                    .as("the flood's connections are gone")
                    .isLessThanOrEqualTo(before);
            assertThat(download(socks, http, "after", "file.bin").get())
                    .as(log("after"))
                    .isZero();
            assertThat(LocalHttpServer.sha256(dir.resolve("after.bin"))).isEqualTo(sha);
            assertThat(parallel.get()).as(log("parallel")).isZero();
            assertThat(LocalHttpServer.sha256(dir.resolve("parallel.bin"))).isEqualTo(sha);
        }
    }

    private static int readOrReset(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }

    private CompletableFuture<Integer> download(
            Socks5Server socks, LocalHttpServer http, String name, String file, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--socks5-hostname",
                "127.0.0.1:" + socks.localAddress().getPort(),
                "-o",
                dir.resolve(name + ".bin").toString()));
        args.addAll(List.of(extra));
        args.add("http://localhost:" + http.port + "/" + file);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return LocalHttpServer.curl(dir.resolve(name + ".log"), args.toArray(String[]::new));
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "no curl log: " + e;
        }
    }

    /** Waits until a download has received its first bytes, so it is under way before a flood starts. */
    private static void awaitBytes(Path file) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!Files.exists(file) || Files.size(file) == 0) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(file).as("download under way").isNotEmptyFile();
    }

    private static void awaitConnections(Socks5Server socks, int expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (socks.connectionCount() != expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(socks.connectionCount()).isEqualTo(expected);
    }

    private static long openFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long softFdLimit() {
        return ListenerLimits.fdLimit();
    }

    private static void setSoftFdLimit(long soft) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String hard = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files"))
                .findFirst()
                .orElseThrow()
                .trim()
                .split("\\s+")[4];
        Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=" + soft + ":" + hard)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("prlimit: %s", out).isZero();
    }
}
