package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcptunProcess;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.lab.DirectionCounters;
import org.paqet4j.lab.Impairment;
import org.paqet4j.lab.LabTopology;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.KcptunServer;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.StreamCompression;
import org.paqet4j.tunnel.session.TransportSettings;
import org.slf4j.LoggerFactory;

/**
 * kcptun mode against the real kcptun (Debian's kcptun-client / kcptun-server) started with its
 * default flags (only addresses, key and cipher: compression on, FEC 10/3, smux v1): curl downloads
 * 64 MiB through kcptun-client to our server, and through our client to kcptun-server, SHA-256
 * checked. Over the impaired lab, kcptun runs with --nocomp, no FEC and smux v2.
 */
class KcptunInteropTest {

    private static final String KEY = "kcptun interop key";
    private static final int DOWNLOAD_BYTES = 64 << 20;
    private final List<KcptunProcess> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (KcptunProcess p : processes) {
            p.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, TunnelHarness.LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /** kcptun with its default flags: only the key and the cipher besides the addresses. */
    private KcptunProcess kcptun(String binary, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary, "--key", KEY, "--crypt", "aes"));
        command.addAll(List.of(args));
        KcptunProcess process = KcptunProcess.start(binary, command);
        processes.add(process);
        return process;
    }

    /** kcptun behind {@code prefix} (e.g. {@code ip netns exec <ns>}), uncompressed, without FEC. */
    private KcptunProcess kcptunIn(List<String> prefix, String binary, int smuxVersion, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                binary,
                "--key",
                KEY,
                "--crypt",
                "aes",
                "--mode",
                "fast",
                "--nocomp",
                "--datashard",
                "0",
                "--parityshard",
                "0",
                "--smuxver",
                Integer.toString(smuxVersion)));
        command.addAll(List.of(args));
        KcptunProcess process = KcptunProcess.start(binary, command);
        processes.add(process);
        return process;
    }

    private static TransportSettings settings(int smuxVersion) {
        byte[] key = KeyDerivation.kcptun(KEY);
        return new TransportSettings(
                KcpConfig.of(KcpMode.FAST),
                () -> Codecs.create("aes", key, 0, 0),
                MuxConfig.kcptunDefaults(smuxVersion),
                Optional.empty());
    }

    /** kcptun's defaults: FEC 10/3, smux v1, snappy compression. */
    private static TransportSettings kcptunDefaults() {
        byte[] key = KeyDerivation.kcptun(KEY);
        return new TransportSettings(
                KcpConfig.of(KcpMode.FAST),
                () -> Codecs.create("aes", key, 10, 3),
                MuxConfig.kcptunDefaults(1),
                Optional.empty(),
                StreamCompression.SNAPPY);
    }

    private static void awaitListening(int port) throws Exception {
        awaitListening(InetAddress.getLoopbackAddress(), port);
    }

    /** Polls until {@code port} accepts on {@code address} in the calling thread's namespace. */
    private static Void awaitListening(InetAddress address, int port) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, port), 200);
                return null;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void kcptunClientWithDefaultFlagsToOurServer() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                KcpEventLoop loop = KcpEventLoop.start("kcptun-interop-server");
                UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(TunnelHarness.LOOPBACK, 0), 4 << 20)) {
            String sha = http.generate("f.bin", DOWNLOAD_BYTES, 11);
            TransportSettings settings = kcptunDefaults();
            KcptunServer server =
                    new KcptunServer(new Target("127.0.0.1", http.port), ServerLimits.defaults(), HostResolver.SYSTEM);
            try (server;
                    KcpSessionAcceptor acceptor = new KcpSessionAcceptor(
                            KcpListener.listen(
                                    loop, carrier, settings.kcp(), settings.codecs(), 16, Duration.ofMinutes(1)),
                            server,
                            settings)) {
                int local = freePort();
                KcptunProcess kcptun = kcptun(
                        "kcptun-client",
                        "--localaddr",
                        "127.0.0.1:" + local,
                        "--remoteaddr",
                        "127.0.0.1:" + carrier.localAddress().getPort());
                awaitListening(local);
                Path out = dir.resolve("got.bin");
                assertThat(LocalHttpServer.curl(
                                dir.resolve("curl.log"), "-o", out.toString(), "http://127.0.0.1:" + local + "/f.bin"))
                        .as(kcptun.log())
                        .isZero();
                assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
            }
        }
    }

    /**
     * kcptun-client in the lab's namespace a, our server in kcptun mode on a UDP socket in b, 5 %
     * loss and 20 ms delay on the wire both ways (the lab's userspace bridge). curl runs in a; our
     * server dials the HTTP target from the test JVM's namespace, on loopback.
     */
    @Test
    @NetnsTest
    void kcptunClientToOurServerOverTheImpairedLab() throws Exception {
        Impairment wire = Impairment.parse("loss 5% delay 20ms");
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LabTopology lab = LabTopology.builder(LabTopology.uniquePrefix("tk"))
                        .impairment(wire, wire)
                        .seed(7)
                        .start();
                LocalHttpServer http = new LocalHttpServer(www);
                KcpEventLoop loop = KcpEventLoop.start("kcptun-lab-server");
                UdpCarrier carrier = lab.inB(
                        () -> UdpCarrier.bind(new InetSocketAddress(lab.b().ipv4(), 29_900), 4 << 20))) {
            int size = 16 << 20;
            String sha = http.generate("f.bin", size, 13);
            TransportSettings settings = settings(2);
            KcptunServer server =
                    new KcptunServer(new Target("127.0.0.1", http.port), ServerLimits.defaults(), HostResolver.SYSTEM);
            try (server;
                    KcpSessionAcceptor acceptor = new KcpSessionAcceptor(
                            KcpListener.listen(
                                    loop, carrier, settings.kcp(), settings.codecs(), 16, Duration.ofMinutes(1)),
                            server,
                            settings)) {
                int local = 18_388;
                List<String> inA = LabTopology.exec(lab.a()).command();
                KcptunProcess kcptun = kcptunIn(
                        inA,
                        "kcptun-client",
                        2,
                        "--localaddr",
                        "127.0.0.1:" + local,
                        "--remoteaddr",
                        lab.b().ipv4().getHostAddress() + ":29900",
                        "--conn",
                        "1");
                lab.inA(() -> awaitListening(InetAddress.getLoopbackAddress(), local));
                Path out = dir.resolve("got.bin");
                long start = System.nanoTime();
                assertThat(LocalHttpServer.curlIn(
                                inA,
                                dir.resolve("curl.log"),
                                "-o",
                                out.toString(),
                                "http://127.0.0.1:" + local + "/f.bin"))
                        .as(kcptun.log())
                        .isZero();
                long took = System.nanoTime() - start;
                assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
                DirectionCounters up = lab.bridge().aToB();
                DirectionCounters down = lab.bridge().bToA();
                LoggerFactory.getLogger(KcptunInteropTest.class)
                        .info(
                                "lab, {} both ways: kcptun-client → our kcptun-mode server, 16 MiB in {} ms ({} MB/s); a→b {}; b→a {}",
                                wire,
                                took / 1_000_000,
                                String.format("%.1f", size / 1e6 / (took / 1e9)),
                                up,
                                down);
                assertThat(up.dropped()).as("a→b losses: %s", up).isPositive();
                assertThat(down.dropped()).as("b→a losses: %s", down).isPositive();
            }
        }
    }

    @Test
    void ourClientToKcptunServerWithDefaultFlags() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                KcpEventLoop loop = KcpEventLoop.start("kcptun-interop-client")) {
            String sha = http.generate("f.bin", DOWNLOAD_BYTES, 12);
            int kcptunPort = freePort();
            KcptunProcess kcptun = kcptun(
                    "kcptun-server", "--listen", "127.0.0.1:" + kcptunPort, "--target", "127.0.0.1:" + http.port);
            kcptun.awaitLog("listening on", Duration.ofSeconds(10));
            TunnelClient client = TunnelClient.kcptun(
                    ClientOptions.defaults(1, new short[0]),
                    new KcpSessionDialer(
                            loop,
                            slot -> UdpCarrier.bind(new InetSocketAddress(TunnelHarness.LOOPBACK, 0), 4 << 20),
                            new InetSocketAddress(TunnelHarness.LOOPBACK, kcptunPort),
                            kcptunDefaults()));
            client.start();
            try (client;
                    TcpForward forward = TcpForward.start(
                            new InetSocketAddress(TunnelHarness.LOOPBACK, 0),
                            new Target("127.0.0.1", kcptunPort),
                            client)) {
                assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
                Path out = dir.resolve("got.bin");
                assertThat(LocalHttpServer.curl(
                                dir.resolve("curl.log"),
                                "-o",
                                out.toString(),
                                "http://127.0.0.1:" + forward.localAddress().getPort() + "/f.bin"))
                        .as(kcptun.log())
                        .isZero();
                assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
            }
        }
    }
}
