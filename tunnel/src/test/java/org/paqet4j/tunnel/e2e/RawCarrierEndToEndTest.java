package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
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
import org.paqet4j.lab.DirectionCounters;
import org.paqet4j.lab.Impairment;
import org.paqet4j.lab.LabTopology;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.TransportSettings;
import org.paqet4j.tunnel.socks.Socks5Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack on a real, impaired wire: the {@link LabTopology} namespaces a — m — b, the
 * client's raw TCP carriers, its SOCKS5 server, its TCP forward and curl in a, the server's raw
 * carrier in b, and between them the lab's userspace bridge applying netem-like loss, delay,
 * reordering and duplication to every Ethernet frame both ways (this kernel has no sch_netem).
 * The server dials its targets from the test JVM's own namespace, where python's http.server
 * listens on loopback: the server's target dialing is not pluggable, and it is the a ↔ b wire
 * the tests are about.
 */
@NetnsTest
class RawCarrierEndToEndTest {

    private static final Logger log = LoggerFactory.getLogger(RawCarrierEndToEndTest.class);
    private static final int SERVER_PORT = 24_680;

    private static LabTopology lab;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLab() throws Exception {
        lab = LabTopology.builder(LabTopology.uniquePrefix("tn")).seed(42).start();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Client in a, server in b, joined by raw carriers across the lab's bridge. */
    private static final class RawTunnel implements AutoCloseable {
        final TunnelServer server = new TunnelServer(
                ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, (peer, masks) -> {});
        final KcpEventLoop serverLoop = KcpEventLoop.start("raw-kcp-server");
        final KcpEventLoop clientLoop = KcpEventLoop.start("raw-kcp-client");
        PacketCarrier serverCarrier;
        KcpSessionAcceptor acceptor;
        private final TransportSettings settings;
        final TunnelClient client;

        RawTunnel(int connections) throws Exception {
            LabTopology.Host a = lab.a();
            LabTopology.Host b = lab.b();
            byte[] key = KeyDerivation.paqet("raw e2e key");
            settings = new TransportSettings(
                    KcpConfig.defaults(),
                    () -> Codecs.create("aes-128-gcm", key, 0, 0),
                    MuxConfig.paqetDefaults(),
                    Optional.empty());
            startServer();
            KcpSessionDialer dialer = new KcpSessionDialer(
                    clientLoop,
                    slot -> {
                        int port = 30_000 + ThreadLocalRandom.current().nextInt(20_000);
                        try {
                            return lab.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), port)
                                    .ipv4(a.ipv4(), b.mac())
                                    .build()));
                        } catch (IOException e) {
                            throw e;
                        } catch (Exception e) {
                            throw new IOException(e);
                        }
                    },
                    new InetSocketAddress(b.ipv4(), SERVER_PORT),
                    settings);
            client = new TunnelClient(
                    new ClientOptions(
                            connections,
                            new short[] {TcpFlags.parse("PA")},
                            Duration.ofMillis(100),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(3),
                            Duration.ofSeconds(10)),
                    dialer);
            client.start();
            assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
        }

        /** The server side on b's address and port: at construction, and again as a restarted server process. */
        void startServer() throws Exception {
            LabTopology.Host a = lab.a();
            LabTopology.Host b = lab.b();
            serverCarrier = lab.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), SERVER_PORT)
                    .ipv4(b.ipv4(), a.mac())
                    .build()));
            acceptor = new KcpSessionAcceptor(
                    KcpListener.listen(
                            serverLoop, serverCarrier, settings.kcp(), settings.codecs(), 64, Duration.ofMinutes(1)),
                    server,
                    settings);
        }

        /** Kills the server side (listener, sessions, raw carrier) without a word to the client. */
        void killServer() {
            acceptor.close();
            serverCarrier.close();
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

    private static Socks5Server socksInA(TunnelClient client) throws Exception {
        return lab.inA(() -> Socks5Server.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                client,
                Optional.empty(),
                Duration.ofSeconds(5),
                64));
    }

    /** curl inside namespace a. */
    private static int curlInA(Path log, String... args) throws Exception {
        return LocalHttpServer.curlIn(LabTopology.exec(lab.a()).command(), log, args);
    }

    private int socksDownload(Socks5Server socks, LocalHttpServer http, String name, Path out) throws Exception {
        return curlInA(
                dir.resolve(out.getFileName() + ".log"),
                "--socks5-hostname",
                "127.0.0.1:" + socks.localAddress().getPort(),
                "-o",
                out.toString(),
                "http://localhost:" + http.port + "/" + name);
    }

    private static String mbps(long bytes, long nanos) {
        return String.format("%.1f MB/s", bytes / 1e6 / (nanos / 1e9));
    }

    @Test
    void fiftyMegabytesViaSocks5AndViaATcpForward() throws Exception {
        lab.impair(Impairment.NONE, Impairment.NONE);
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                RawTunnel tunnel = new RawTunnel(2);
                Socks5Server socks = socksInA(tunnel.client);
                TcpForward forward = lab.inA(() -> TcpForward.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new Target("127.0.0.1", http.port),
                        tunnel.client))) {
            int size = 50 << 20;
            String sha = http.generate("50m.bin", size, 5);
            long start = System.nanoTime();
            Path viaSocks = dir.resolve("socks.bin");
            assertThat(socksDownload(socks, http, "50m.bin", viaSocks)).isZero();
            long took = System.nanoTime() - start;
            assertThat(LocalHttpServer.sha256(viaSocks)).isEqualTo(sha);
            log.info("lab, no impairment: 50 MiB via SOCKS5 in {} ms ({})", took / 1_000_000, mbps(size, took));
            Files.delete(viaSocks);

            start = System.nanoTime();
            Path viaForward = dir.resolve("forward.bin");
            assertThat(curlInA(
                            dir.resolve("forward.log"),
                            "-o",
                            viaForward.toString(),
                            "http://127.0.0.1:" + forward.localAddress().getPort() + "/50m.bin"))
                    .isZero();
            took = System.nanoTime() - start;
            assertThat(LocalHttpServer.sha256(viaForward)).isEqualTo(sha);
            log.info("lab, no impairment: 50 MiB via TCP forward in {} ms ({})", took / 1_000_000, mbps(size, took));
        }
    }

    /** Issue 6: "With 5% loss, 20 ms delay and reordering on both sides the 50 MB download still matches." */
    @Test
    void fiftyMegabytesUnderLossDelayAndReorderingOnBothSides() throws Exception {
        Impairment wire = Impairment.parse("loss 5% delay 20ms 5ms reorder 10%");
        lab.impair(wire, wire);
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                RawTunnel tunnel = new RawTunnel(2);
                Socks5Server socks = socksInA(tunnel.client)) {
            int size = 50 << 20;
            String sha = http.generate("50m.bin", size, 6);
            long start = System.nanoTime();
            Path out = dir.resolve("impaired.bin");
            assertThat(socksDownload(socks, http, "50m.bin", out)).isZero();
            long took = System.nanoTime() - start;
            assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
            DirectionCounters up = lab.bridge().aToB();
            DirectionCounters down = lab.bridge().bToA();
            log.info(
                    "lab, {} both ways: 50 MiB via SOCKS5 in {} ms ({}); a→b {}; b→a {}",
                    wire,
                    took / 1_000_000,
                    mbps(size, took),
                    up,
                    down);
            for (DirectionCounters direction : List.of(up, down)) {
                assertThat(direction.dropped())
                        .as("frames lost on the wire: %s", direction)
                        .isPositive();
                assertThat(direction.reordered())
                        .as("frames reordered on the wire: %s", direction)
                        .isPositive();
                assertThat(direction.delayed())
                        .as("frames delayed on the wire: %s", direction)
                        .isPositive();
            }
        }
    }

    /** 5 % of the frames arrive twice (and out of order through jitter): 20 parallel downloads still match. */
    @Test
    void twentyParallelDownloadsUnderDuplicationDelayAndJitter() throws Exception {
        Impairment wire = Impairment.parse("duplicate 5% delay 20ms 10ms");
        lab.impair(wire, wire);
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                RawTunnel tunnel = new RawTunnel(2);
                Socks5Server socks = socksInA(tunnel.client);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<String> shas = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < 20; i++) {
                int size = (1 << 20) + 4099 * i;
                total += size;
                shas.add(http.generate("f" + i, size, 50 + i));
            }
            long start = System.nanoTime();
            List<Future<String>> downloads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                downloads.add(pool.submit((Callable<String>) () -> {
                    Path out = dir.resolve("out" + n);
                    int exit = socksDownload(socks, http, "f" + n, out);
                    return exit == 0 ? LocalHttpServer.sha256(out) : "curl exit " + exit;
                }));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(downloads.get(i).get()).as("download %d", i).isEqualTo(shas.get(i));
            }
            long took = System.nanoTime() - start;
            DirectionCounters up = lab.bridge().aToB();
            DirectionCounters down = lab.bridge().bToA();
            log.info(
                    "lab, {} both ways: 20 parallel ~1 MiB downloads in {} ms ({}); a→b {}; b→a {}",
                    wire,
                    took / 1_000_000,
                    mbps(total, took),
                    up,
                    down);
            assertThat(up.duplicated()).as("a→b duplicates: %s", up).isPositive();
            assertThat(down.duplicated()).as("b→a duplicates: %s", down).isPositive();
        }
    }

    /**
     * Issue 6: "The server killed mid-transfer and restarted: the client reconnects within 3 s, new
     * connections work, and while the server is down the client stays near idle CPU." The CPU is
     * the whole test JVM's (client, the dead server's idle loop, the lab's bridge forwarding the
     * client's redials), so the bound is an upper bound on the client's.
     */
    @Test
    void serverKilledMidTransferAndRestartedClientReconnectsWithinThreeSecondsAndIdlesMeanwhile() throws Exception {
        lab.impair(Impairment.NONE, Impairment.NONE);
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                RawTunnel tunnel = new RawTunnel(2);
                Socks5Server socks = socksInA(tunnel.client);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String sha = http.generate("big.bin", 32 << 20, 8);
            Path cut = dir.resolve("cut.bin");
            Future<Integer> transfer = pool.submit(() -> curlInA(
                    dir.resolve("cut.log"),
                    "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(),
                    "--limit-rate",
                    "20M",
                    "-o",
                    cut.toString(),
                    "http://localhost:" + http.port + "/big.bin"));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((!Files.exists(cut) || Files.size(cut) < (4 << 20)) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(Files.size(cut)).as("bytes downloaded before the kill").isGreaterThanOrEqualTo(4 << 20);
            tunnel.killServer();
            end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tunnel.client.liveConnections() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(tunnel.client.liveConnections())
                    .as("client noticed the dead server")
                    .isZero();
            assertThat(transfer.get())
                    .as("the cut download fails instead of hanging")
                    .isNotZero();

            var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            Thread.sleep(3000);
            double cpuShare = (double) (os.getProcessCpuTime() - cpuBefore) / (System.nanoTime() - wallBefore);
            log.info(
                    "lab: while the server was down the test JVM used {}% of one core ({} frames a→b since the lab was last impaired)",
                    String.format("%.1f", cpuShare * 100), lab.bridge().aToB().forwarded());
            assertThat(cpuShare)
                    .as("CPU share of one core while the server is down")
                    .isLessThan(0.20);

            long restart = System.nanoTime();
            tunnel.startServer();
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(3))).isTrue();
            log.info(
                    "lab: client reconnected {} ms after the server restarted",
                    Duration.ofNanos(System.nanoTime() - restart).toMillis());
            Path again = dir.resolve("again.bin");
            assertThat(socksDownload(socks, http, "big.bin", again)).isZero();
            assertThat(LocalHttpServer.sha256(again)).isEqualTo(sha);
        }
    }
}
