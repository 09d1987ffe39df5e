package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.socks.Socks5Server;

/**
 * One user fills a session's streams (CONNECTs to a target that accepts and never answers) up
 * to the server's per-session limit. The health check's PING then finds no room; that is no sign
 * of a dead server, so the session and every other stream on it must live on, and only new
 * streams are refused.
 */
class StreamLimitHealthTest {

    @TempDir
    Path dir;

    @Test
    void aSessionFullOfStreamsKeepsItsHealthCheckAndItsDownloads() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        int perSession = ServerLimits.defaults().maxStreamsPerSession();
        List<Socket> held = new CopyOnWriteArrayList<>();
        List<TunnelStream> flood = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 8192, TunnelHarness.LOOPBACK);
                LocalHttpServer http = new LocalHttpServer(www);
                TunnelHarness tunnel = TunnelHarness.overSockets(1);
                Socks5Server socks = Socks5Server.start(
                        new InetSocketAddress(TunnelHarness.LOOPBACK, 0),
                        tunnel.client,
                        Optional.empty(),
                        Duration.ofSeconds(5),
                        4)) {
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("file.bin", 6 << 20, 3);
            Path file = dir.resolve("parallel.bin");
            Path curlLog = dir.resolve("parallel.log");
            // Runs through the whole flood and at least three health checks after it.
            CompletableFuture<Integer> parallel = CompletableFuture.supplyAsync(() -> {
                try {
                    return LocalHttpServer.curl(
                            curlLog,
                            "--socks5-hostname",
                            "127.0.0.1:" + socks.localAddress().getPort(),
                            "--limit-rate",
                            "1M",
                            "-o",
                            file.toString(),
                            "http://localhost:" + http.port + "/file.bin");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tunnel.server.counters().activeStreams() < 1 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Target target = new Target("127.0.0.1", silent.getLocalPort());
            try {
                // The download holds one stream; these take the rest.
                for (int i = 1; i < perSession; i++) {
                    flood.add(tunnel.client.openTcp(target));
                }
                end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (tunnel.server.counters().activeStreams() < perSession && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(tunnel.server.counters().activeStreams()).isEqualTo(perSession);
                long sessionsBefore = tunnel.server.counters().activeSessions();
                long rejectedBefore = tunnel.server.counters().rejectedStreams();
                // Three health intervals (1 s each in the harness) at the limit.
                Thread.sleep(3_500);
                assertThat(tunnel.server.counters().rejectedStreams())
                        .as("health-check PINGs found the session full")
                        .isGreaterThan(rejectedBefore);
                System.err.printf(
                        "stream limit: %d streams open, %d PINGs refused in 3.5 s, session kept%n",
                        tunnel.server.counters().activeStreams(),
                        tunnel.server.counters().rejectedStreams() - rejectedBefore);
                assertThat(tunnel.server.counters().activeSessions())
                        .isEqualTo(sessionsBefore)
                        .isEqualTo(1);
                // The parallel download may have ended by now (its hash is checked below); the
                // flood's streams must all still be open, so at most that one stream is gone.
                assertThat(tunnel.server.counters().activeStreams())
                        .as("no existing stream was cut")
                        .isGreaterThanOrEqualTo(perSession - 1);
                assertThat(tunnel.client.liveConnections()).isEqualTo(1);
                assertThat(parallel.get()).as(Files.readString(curlLog)).isZero();
                assertThat(LocalHttpServer.sha256(file)).isEqualTo(sha);
                // The download's stream is gone now: take its slot so that the session is full again.
                end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (tunnel.server.counters().activeStreams() > perSession - 1 && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                flood.add(tunnel.client.openTcp(target));
                while (tunnel.server.counters().activeStreams() < perSession && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(tunnel.server.counters().activeStreams()).isEqualTo(perSession);
                // A new stream is what gets refused: the server closes it unanswered.
                try (TunnelStream extra = tunnel.client.openTcp(target)) {
                    extra.setReadTimeout(Duration.ofSeconds(5));
                    assertThat(extra.inputStream().read()).isEqualTo(-1);
                }
            } finally {
                flood.forEach(TunnelStream::close);
                // The target hangs up too, or each half-closed relay would wait out its idle timeout.
                for (Socket s : held) {
                    s.close();
                }
            }
            end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tunnel.server.counters().activeStreams() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(tunnel.server.counters().activeStreams()).isZero();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
