package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.protocol.TcpFlags;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.socks.Socks5Server;
import org.paqet4j.tunnel.testing.ImpairedCarrier;
import org.paqet4j.tunnel.transport.KcpSessionAcceptor;
import org.paqet4j.tunnel.transport.KcpSessionDialer;
import org.paqet4j.tunnel.transport.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack on real hosts: the server's raw TCP carrier in one network namespace, the
 * client's in another, joined by a veth pair (198.18.x.x only inside them). The carriers' packet
 * sockets live in the namespaces; SOCKS5 and the server's target dialing run in the test's own
 * namespace on loopback, where curl and python's http.server are.
 */
class RawCarrierEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(RawCarrierEndToEndTest.class);
    private static final int SERVER_PORT = 24_680;
    private static final InetSocketAddress LOOPBACK_ANY = new InetSocketAddress(TunnelHarness.LOOPBACK, 0);

    private static NetnsPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void createNamespaces() throws Exception {
        pair = NetnsPair.create("tn");
        pair.resolveNeighbours();
    }

    @AfterAll
    static void deleteNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Client and server over raw carriers between the namespaces. */
    private static final class RawTunnel implements AutoCloseable {
        final TunnelServer server = new TunnelServer(ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM,
                (peer, masks) -> { });
        final KcpEventLoop serverLoop = KcpEventLoop.start("raw-kcp-server");
        final KcpEventLoop clientLoop = KcpEventLoop.start("raw-kcp-client");
        PacketCarrier serverCarrier;
        KcpSessionAcceptor acceptor;
        private final TransportSettings settings;
        final TunnelClient client;

        RawTunnel(int connections) throws Exception {
            this(connections, 0, 0, 0);
        }

        /** With {@code loss}, {@code delay} and {@code jitter} applied to what both ends send. */
        RawTunnel(int connections, double loss, long delayMillis, long jitterMillis) throws Exception {
            NetnsPair.Side a = pair.a();
            NetnsPair.Side b = pair.b();
            byte[] key = KeyDerivation.paqet("raw e2e key");
            settings = new TransportSettings(KcpConfig.defaults(),
                    () -> Codecs.create("aes-128-gcm", key, 0, 0), MuxConfig.paqetDefaults(), Optional.empty());
            serverCarrier = impair(pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), SERVER_PORT)
                    .ipv4(a.ipv4(), b.mac()).build())), loss, delayMillis, jitterMillis);
            KcpListener listener = KcpListener.listen(serverLoop, serverCarrier, settings.kcp(), settings.codecs(), 64,
                    Duration.ofMinutes(1));
            acceptor = new KcpSessionAcceptor(listener, server, settings);
            KcpSessionDialer dialer = new KcpSessionDialer(clientLoop, slot -> {
                int port = 30_000 + ThreadLocalRandom.current().nextInt(20_000);
                try {
                    return impair(pair.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), port)
                            .ipv4(b.ipv4(), a.mac()).build())), loss, delayMillis, jitterMillis);
                } catch (java.io.IOException e) {
                    throw e;
                } catch (Exception e) {
                    throw new java.io.IOException(e);
                }
            }, new InetSocketAddress(a.ipv4(), SERVER_PORT), settings);
            client = new TunnelClient(new ClientOptions(connections, new short[] {TcpFlags.parse("PA")},
                    Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                    Duration.ofSeconds(10)), dialer);
            client.start();
            assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
        }

        private static PacketCarrier impair(PacketCarrier carrier, double loss, long delayMillis, long jitterMillis) {
            return loss == 0 && delayMillis == 0 ? carrier : new ImpairedCarrier(carrier, loss, delayMillis, jitterMillis);
        }

        /** Kills the server side (listener, sessions, raw carrier) without a word to the client. */
        void killServer() {
            acceptor.close();
            serverCarrier.close();
        }

        /** A new server side on the same address and port, as a restarted server process. */
        void restartServer() throws Exception {
            NetnsPair.Side a = pair.a();
            NetnsPair.Side b = pair.b();
            serverCarrier = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), SERVER_PORT)
                    .ipv4(a.ipv4(), b.mac()).build()));
            acceptor = new KcpSessionAcceptor(KcpListener.listen(serverLoop, serverCarrier, settings.kcp(),
                    settings.codecs(), 64, Duration.ofMinutes(1)), server, settings);
        }

        @Override
        public void close() {
            client.close();
            server.close();
            acceptor.close();
            clientLoop.close();
            serverLoop.close();
            serverCarrier.close();
        }
    }

    @Test
    void fiftyMegabytesViaSocks5AndViaATcpForward() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
             RawTunnel tunnel = new RawTunnel(2);
             Socks5Server socks = Socks5Server.start(LOOPBACK_ANY, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
             TcpForward forward = TcpForward.start(LOOPBACK_ANY, new Target("127.0.0.1", http.port), tunnel.client)) {
            String sha = http.generate("50m.bin", 50 << 20, 5);
            long start = System.nanoTime();
            Path viaSocks = dir.resolve("socks.bin");
            assertThat(LocalHttpServer.curl(dir.resolve("socks.log"), "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(), "-o", viaSocks.toString(),
                    "http://localhost:" + http.port + "/50m.bin")).isZero();
            assertThat(LocalHttpServer.sha256(viaSocks)).isEqualTo(sha);
            log.info("raw carrier: 50 MiB via SOCKS5 in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
            Files.delete(viaSocks);

            start = System.nanoTime();
            Path viaForward = dir.resolve("forward.bin");
            assertThat(LocalHttpServer.curl(dir.resolve("forward.log"), "-o", viaForward.toString(),
                    "http://127.0.0.1:" + forward.localAddress().getPort() + "/50m.bin")).isZero();
            assertThat(LocalHttpServer.sha256(viaForward)).isEqualTo(sha);
            log.info("raw carrier: 50 MiB via TCP forward in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
    }

    /**
     * 5 % loss, 20 ms delay and up to 10 ms jitter (which reorders) on every datagram either end
     * sends. This kernel has no sch_netem, so the impairment is applied by {@link ImpairedCarrier}
     * just above the raw carrier instead of by {@code tc netem} on the veth.
     */
    @Test
    void twentyParallelDownloadsUnderLossDelayAndReordering() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
             RawTunnel tunnel = new RawTunnel(2, 0.05, 20, 10);
             Socks5Server socks = Socks5Server.start(LOOPBACK_ANY, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<String> shas = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                shas.add(http.generate("f" + i, (1 << 20) + 4099 * i, 50 + i));
            }
            long start = System.nanoTime();
            List<Future<String>> downloads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                downloads.add(pool.submit((Callable<String>) () -> {
                    Path out = dir.resolve("out" + n);
                    int exit = LocalHttpServer.curl(dir.resolve("curl" + n + ".log"), "--socks5-hostname",
                            "127.0.0.1:" + socks.localAddress().getPort(), "-o", out.toString(),
                            "http://localhost:" + http.port + "/f" + n);
                    return exit == 0 ? LocalHttpServer.sha256(out) : "curl exit " + exit;
                }));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(downloads.get(i).get()).as("download %d", i).isEqualTo(shas.get(i));
            }
            log.info("raw carrier, 5% loss, 20 ms delay, 10 ms jitter both ways: 20 parallel ~1 MiB downloads in {} ms",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
    }

    @Test
    void serverKilledMidTransferAndRestartedClientReconnectsWithinThreeSeconds() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
             RawTunnel tunnel = new RawTunnel(2);
             Socks5Server socks = Socks5Server.start(LOOPBACK_ANY, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String sha = http.generate("big.bin", 64 << 20, 8);
            Future<Integer> transfer = pool.submit(() -> LocalHttpServer.curl(dir.resolve("cut.log"), "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(), "--limit-rate", "20M", "-o",
                    dir.resolve("cut.bin").toString(), "http://localhost:" + http.port + "/big.bin"));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((!Files.exists(dir.resolve("cut.bin")) || Files.size(dir.resolve("cut.bin")) < (4 << 20))
                    && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            tunnel.killServer();
            end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tunnel.client.liveConnections() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(tunnel.client.liveConnections()).as("client noticed the dead server").isZero();
            assertThat(transfer.get()).as("the cut download fails instead of hanging").isNotZero();

            long restart = System.nanoTime();
            tunnel.restartServer();
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(3))).isTrue();
            log.info("raw carrier: client reconnected {} ms after the server restarted",
                    Duration.ofNanos(System.nanoTime() - restart).toMillis());
            Path again = dir.resolve("again.bin");
            assertThat(LocalHttpServer.curl(dir.resolve("again.log"), "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(), "-o", again.toString(),
                    "http://localhost:" + http.port + "/big.bin")).isZero();
            assertThat(LocalHttpServer.sha256(again)).isEqualTo(sha);
        }
    }
}
