package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.paqet4j.tunnel.session.TransportSettings;

/**
 * kcptun mode replacing either end of a kcptun pair (Debian's kcptun 20210922 on loopback) with
 * data in both directions: kcptun-client → {@link KcptunServer} → a TCP echo service, and a
 * kcptun-mode {@link TunnelClient} with a {@link TcpForward} → kcptun-server → the echo service.
 * Three connections at once each send 512 KiB of random bytes and check the SHA-256 of what comes
 * back, then half-close and expect the end of stream; kcptun's default FEC 10/3 and other ciphers
 * are covered here ({@link KcptunInteropTest} downloads a file with curl).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcptunEchoInteropTest {
    private static final String KEY = "paqet4j kcptun mode interop";
    private static final int BYTES_PER_CONNECTION = 512 * 1024;
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

    /** cipher, data shards, parity shards, smux version: kcptun's defaults and a v2 variant without FEC. */
    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("aes", 10, 3, 1), Arguments.of("aes-128", 0, 0, 2), Arguments.of("salsa20", 10, 3, 2));
    }

    private static TransportSettings settings(String crypt, int data, int parity, int smux) {
        byte[] key = KeyDerivation.kcptun(KEY);
        return new TransportSettings(
                KcpConfig.defaults(),
                () -> Codecs.create(crypt, key, data, parity),
                MuxConfig.kcptunDefaults(smux),
                Optional.empty());
    }

    @ParameterizedTest(name = "kcptun-client -> paqet4j kcptun-mode server, {0} fec {1}/{2} smux v{3}")
    @MethodSource("variants")
    void kcptunClientThroughOurServer(String crypt, int data, int parity, int smux) throws Exception {
        UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20);
        TransportSettings settings = settings(crypt, data, parity, smux);
        KcptunServer server = new KcptunServer(
                new Target("127.0.0.1", echo.getLocalPort()), ServerLimits.defaults(), HostResolver.SYSTEM);
        int tcpPort = KcptunProcess.freeTcpPort();
        List<String> flags = new ArrayList<>(KcptunProcess.flags(KEY, crypt, false, data, parity, smux));
        flags.addAll(List.of("--conn", "1"));
        try (carrier;
                server;
                KcpSessionAcceptor acceptor = new KcpSessionAcceptor(
                        KcpListener.listen(loop, carrier, settings.kcp(), settings.codecs(), 8, Duration.ofSeconds(30)),
                        server,
                        settings);
                KcptunProcess kcptun = KcptunProcess.client(
                        "127.0.0.1:" + tcpPort,
                        "127.0.0.1:" + carrier.localAddress().getPort(),
                        flags)) {
            try {
                roundTrips(tcpPort);
            } catch (Exception e) {
                throw kcptun.failure("three echo round trips", e);
            }
        }
    }

    @ParameterizedTest(name = "paqet4j kcptun-mode client -> kcptun-server, {0} fec {1}/{2} smux v{3}")
    @MethodSource("variants")
    void ourClientThroughKcptunServer(String crypt, int data, int parity, int smux) throws Exception {
        int udpPort = KcptunProcess.freeUdpPort();
        try (KcptunProcess kcptun = KcptunProcess.server(
                "127.0.0.1:" + udpPort,
                "127.0.0.1:" + echo.getLocalPort(),
                KcptunProcess.flags(KEY, crypt, false, data, parity, smux))) {
            kcptun.awaitLog("listening on", Duration.ofSeconds(10));
            KcpSessionDialer dialer = new KcpSessionDialer(
                    loop,
                    slot -> UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20),
                    new InetSocketAddress(LOOPBACK, udpPort),
                    settings(crypt, data, parity, smux));
            TunnelClient client = TunnelClient.kcptun(ClientOptions.defaults(2, new short[0]), dialer);
            client.start();
            try (client;
                    TcpForward forward = TcpForward.start(
                            new InetSocketAddress(LOOPBACK, 0), new Target("127.0.0.1", udpPort), client)) {
                assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
                roundTrips(forward.localAddress().getPort());
            } catch (Exception e) {
                throw kcptun.failure("three echo round trips", e);
            }
        }
    }

    /** Three connections at once through the listener on {@code port}, each echoed and checked. */
    private static void roundTrips(int port) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            List<CompletableFuture<Void>> checks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = connectWithRetry(port);
                sockets.add(s);
                checks.add(echoRoundTrip(s.getInputStream(), s.getOutputStream(), s::shutdownOutput, i));
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

    @FunctionalInterface
    private interface HalfClose {
        void closeWrite() throws IOException;
    }

    /** Writes random bytes, reads the echo, compares SHA-256, then half-closes and expects EOF. */
    private static CompletableFuture<Void> echoRoundTrip(
            InputStream in, OutputStream out, HalfClose halfClose, int seed) {
        byte[] payload = new byte[BYTES_PER_CONNECTION];
        new Random(seed).nextBytes(payload);
        CompletableFuture<Void> written = CompletableFuture.runAsync(
                () -> {
                    try {
                        for (int off = 0; off < payload.length; off += 8192) {
                            out.write(payload, off, Math.min(8192, payload.length - off));
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
        CompletableFuture<Void> echoed = CompletableFuture.runAsync(
                () -> {
                    try {
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
                        assertThat(digest.digest())
                                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
                        halfClose.closeWrite();
                        assertThat(in.read())
                                .as("end of stream after the half-close went round")
                                .isEqualTo(-1);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
        return CompletableFuture.allOf(written, echoed);
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
