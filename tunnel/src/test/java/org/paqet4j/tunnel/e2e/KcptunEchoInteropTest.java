package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.paqet4j.kcp.EchoRoundTrip;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcptunProcess;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.UdpCarrier;
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

/**
 * kcptun mode replacing either end of a kcptun pair (Debian's kcptun 20210922 on loopback) with
 * data in both directions: kcptun-client → {@link KcptunServer} → a TCP echo service, and a
 * kcptun-mode {@link TunnelClient} with a {@link TcpForward} → kcptun-server → the echo service.
 * Connections at once each send half random, half text bytes and check the SHA-256 of what comes
 * back, then half-close and expect the end of stream: three of 512 KiB with kcptun started with its
 * default flags (compression, FEC 10/3, smux v1) and a few --nocomp variants, then two of 128 KiB
 * per cell of the matrix compression on/off × smux 1/2 × FEC 10/3 and 0/0 × aes/salsa20/none, one
 * kcptun process per cell ({@link KcptunInteropTest} downloads a file with curl).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcptunEchoInteropTest {
    private static final String KEY = "paqet4j kcptun mode interop";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static ExecutorService threads;
    private static ServerSocket echo;
    private static KcpEventLoop loop;

    @BeforeAll
    static void startEcho() throws IOException {
        threads = Executors.newVirtualThreadPerTaskExecutor();
        loop = KcpEventLoop.start("kcptun-mode-test");
        echo = new ServerSocket(0, 50, LOOPBACK);
        threads.submit(() -> {
            while (!echo.isClosed()) {
                Socket socket = echo.accept();
                threads.submit(() -> {
                    try (socket) {
                        socket.getInputStream().transferTo(socket.getOutputStream());
                    }
                    return null;
                });
            }
            return null;
        });
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        loop.close();
        threads.shutdownNow();
    }

    /** One combination of kcptun's settings; its name says which cell of the matrix failed. */
    record Cell(boolean compress, int smux, int data, int parity, String crypt) {
        @Override
        public String toString() {
            return "comp " + (compress ? "on" : "off") + ", smux v" + smux + ", fec " + data + "/" + parity + ", "
                    + crypt;
        }

        List<String> kcptunFlags() {
            return KcptunProcess.flags(KEY, crypt, compress, data, parity, smux);
        }
    }

    /** kcptun's defaults: compression, smux v1, FEC 10/3, aes. */
    private static final Cell DEFAULTS = new Cell(true, 1, 10, 3, "aes");

    /** Only what a kcptun user must type besides the addresses; everything else is kcptun's default. */
    private static final List<String> DEFAULT_FLAGS = List.of("--key", KEY, "--crypt", "aes");

    /** cipher, shards, smux version: a few combinations without compression (kcptun's --nocomp). */
    static Stream<Cell> variants() {
        return Stream.of(
                new Cell(false, 1, 10, 3, "aes"),
                new Cell(false, 2, 0, 0, "aes-128"),
                new Cell(false, 2, 10, 3, "salsa20"));
    }

    /** compression on/off × smux 1/2 × FEC 10/3 and 0/0 × aes/salsa20/none. */
    static Stream<Cell> matrix() {
        List<Cell> cells = new ArrayList<>();
        for (boolean compress : new boolean[] {true, false}) {
            for (int smux : new int[] {1, 2}) {
                for (int[] fec : new int[][] {{10, 3}, {0, 0}}) {
                    for (String crypt : List.of("aes", "salsa20", "none")) {
                        cells.add(new Cell(compress, smux, fec[0], fec[1], crypt));
                    }
                }
            }
        }
        return cells.stream();
    }

    private static TransportSettings settings(Cell cell) {
        byte[] key = KeyDerivation.kcptun(KEY);
        return new TransportSettings(
                KcpConfig.defaults(),
                () -> Codecs.create(cell.crypt(), key, cell.data(), cell.parity()),
                MuxConfig.kcptunDefaults(cell.smux()),
                Optional.empty(),
                cell.compress() ? StreamCompression.SNAPPY : StreamCompression.NONE);
    }

    @Test
    void kcptunClientWithDefaultFlagsThroughOurServer() throws Exception {
        kcptunClientThroughOurServer(DEFAULTS, DEFAULT_FLAGS, 3, 512 * 1024);
    }

    @Test
    void ourClientThroughKcptunServerWithDefaultFlags() throws Exception {
        ourClientThroughKcptunServer(DEFAULTS, DEFAULT_FLAGS, 3, 512 * 1024);
    }

    @ParameterizedTest(name = "kcptun-client -> paqet4j kcptun-mode server, {0}")
    @MethodSource("variants")
    void kcptunClientThroughOurServer(Cell cell) throws Exception {
        kcptunClientThroughOurServer(cell, cell.kcptunFlags(), 3, 512 * 1024);
    }

    @ParameterizedTest(name = "paqet4j kcptun-mode client -> kcptun-server, {0}")
    @MethodSource("variants")
    void ourClientThroughKcptunServer(Cell cell) throws Exception {
        ourClientThroughKcptunServer(cell, cell.kcptunFlags(), 3, 512 * 1024);
    }

    @ParameterizedTest(name = "matrix: kcptun-client -> paqet4j server, {0}")
    @MethodSource("matrix")
    void matrixKcptunClientThroughOurServer(Cell cell) throws Exception {
        kcptunClientThroughOurServer(cell, cell.kcptunFlags(), 2, 128 * 1024);
    }

    @ParameterizedTest(name = "matrix: paqet4j client -> kcptun-server, {0}")
    @MethodSource("matrix")
    void matrixOurClientThroughKcptunServer(Cell cell) throws Exception {
        ourClientThroughKcptunServer(cell, cell.kcptunFlags(), 2, 128 * 1024);
    }

    private static void kcptunClientThroughOurServer(Cell cell, List<String> kcptunFlags, int connections, int bytes)
            throws Exception {
        UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20);
        TransportSettings settings = settings(cell);
        KcptunServer server = new KcptunServer(
                new Target("127.0.0.1", echo.getLocalPort()), ServerLimits.defaults(), HostResolver.SYSTEM);
        int tcpPort = KcptunProcess.freeTcpPort();
        try (carrier;
                server;
                KcpSessionAcceptor acceptor = new KcpSessionAcceptor(
                        KcpListener.listen(loop, carrier, settings.kcp(), settings.codecs(), 8, Duration.ofSeconds(30)),
                        server,
                        settings);
                KcptunProcess kcptun = KcptunProcess.client(
                        "127.0.0.1:" + tcpPort,
                        "127.0.0.1:" + carrier.localAddress().getPort(),
                        kcptunFlags)) {
            try {
                roundTrips(tcpPort, connections, bytes);
            } catch (Exception e) {
                throw kcptun.failure(cell + ": " + connections + " echo round trips", e);
            }
        }
    }

    private static void ourClientThroughKcptunServer(Cell cell, List<String> kcptunFlags, int connections, int bytes)
            throws Exception {
        int udpPort = KcptunProcess.freeUdpPort();
        try (KcptunProcess kcptun =
                KcptunProcess.server("127.0.0.1:" + udpPort, "127.0.0.1:" + echo.getLocalPort(), kcptunFlags)) {
            kcptun.awaitLog("listening on", Duration.ofSeconds(10));
            KcpSessionDialer dialer = new KcpSessionDialer(
                    loop,
                    slot -> UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20),
                    new InetSocketAddress(LOOPBACK, udpPort),
                    settings(cell));
            TunnelClient client = TunnelClient.kcptun(ClientOptions.defaults(2, new short[0]), dialer);
            client.start();
            try (client;
                    TcpForward forward = TcpForward.start(
                            new InetSocketAddress(LOOPBACK, 0), new Target("127.0.0.1", udpPort), client)) {
                assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
                roundTrips(forward.localAddress().getPort(), connections, bytes);
            } catch (Exception e) {
                throw kcptun.failure(cell + ": " + connections + " echo round trips", e);
            }
        }
    }

    /** Connections at once through the listener on {@code port}, each echoed and checked. */
    private static void roundTrips(int port, int connections, int bytes) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket s = connectWithRetry(port);
                sockets.add(s);
                checks.add(EchoRoundTrip.start(
                        s.getInputStream(),
                        s.getOutputStream(),
                        s::shutdownOutput,
                        EchoRoundTrip.mixedPayload(i, bytes),
                        threads));
            }
            for (CompletableFuture<Void> check : checks) {
                check.get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static Socket connectWithRetry(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return new Socket(LOOPBACK, port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
