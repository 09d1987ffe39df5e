package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxStream;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.packet.UdpCarrier;

/**
 * The whole stack against Debian's kcptun (kcp-go + smux): our dialer against kcptun-server over
 * every cipher, FEC 10/3 and 0/0, smux 1 and 2; kcptun-client against our listener for a subset.
 * Data goes both ways through a TCP echo service and is checked by SHA-256.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KcptunInteropTest {
    private static final String KEY = "paqet4j kcptun session interop";
    private static final int BYTES_PER_STREAM = 300 * 1024;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<String> CIPHERS = List.of(
            "aes",
            "aes-128",
            "aes-192",
            "salsa20",
            "blowfish",
            "twofish",
            "cast5",
            "3des",
            "tea",
            "xtea",
            "xor",
            "sm4",
            "none");

    private static ExecutorService threads;
    private static ServerSocket echo;
    private static KcpEventLoop loop;

    @BeforeAll
    static void startEchoServer() throws IOException {
        threads = Executors.newVirtualThreadPerTaskExecutor();
        loop = KcpEventLoop.start("kcp-interop");
        echo = new ServerSocket(0, 50, LOOPBACK);
        threads.submit(() -> {
            while (!echo.isClosed()) {
                Socket socket;
                try {
                    socket = echo.accept();
                } catch (IOException e) {
                    return null;
                }
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

    static Stream<Arguments> fullMatrix() {
        return CIPHERS.stream()
                .flatMap(c -> Stream.of(
                        Arguments.of(c, 10, 3, 1), Arguments.of(c, 10, 3, 2),
                        Arguments.of(c, 0, 0, 1), Arguments.of(c, 0, 0, 2)));
    }

    static Stream<Arguments> subset() {
        return Stream.of(
                Arguments.of("aes", 10, 3, 1),
                Arguments.of("salsa20", 0, 0, 2),
                Arguments.of("none", 10, 3, 2),
                Arguments.of("xor", 0, 0, 1),
                Arguments.of("sm4", 10, 3, 2),
                Arguments.of("3des", 0, 0, 2));
    }

    @ParameterizedTest(name = "dialer -> kcptun-server {0} fec {1}/{2} smux v{3}")
    @MethodSource("fullMatrix")
    void ourDialerAgainstKcptunServer(String crypt, int data, int parity, int smux) throws Exception {
        int udpPort = KcptunProcess.freeUdpPort();
        try (KcptunProcess kcptun = KcptunProcess.server(
                        "127.0.0.1:" + udpPort,
                        "127.0.0.1:" + echo.getLocalPort(),
                        KcptunProcess.flags(KEY, crypt, false, data, parity, smux));
                UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20)) {
            DatagramCodec codec = Codecs.create(crypt, KeyDerivation.kcptun(KEY), data, parity);
            KcpSession session = KcpDialer.dial(
                    loop, carrier, new InetSocketAddress(LOOPBACK, udpPort), KcpConfig.defaults(), codec);
            try (MuxSession mux = MuxSession.client(
                    new MuxTransport(session.inputStream(), session.outputStream(), session),
                    MuxConfig.kcptunDefaults(smux))) {
                List<CompletableFuture<Void>> streams = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    MuxStream stream = mux.openStream();
                    streams.add(EchoRoundTrip.start(
                            stream.inputStream(),
                            stream.outputStream(),
                            stream::closeWrite,
                            EchoRoundTrip.randomPayload(i, BYTES_PER_STREAM),
                            threads));
                }
                for (CompletableFuture<Void> stream : streams) {
                    stream.get(20, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw kcptun.failure("session " + session.stats(), e);
            } finally {
                session.close();
            }
            // kcptun 20210922 with sm4 puts a few percent of its datagrams on the wire with one
            // corrupt cipher block: decrypted, each such datagram matches the bytes we sent except
            // exactly one 16-byte block aligned on the datagram's CFB grid, the rest (CRC field
            // included) decrypts right. That is its SM4 (tjfoc/gmsm) keeping scratch state in the
            // cipher object, which kcp-go shares between the listener's decrypt and the session's
            // encrypt goroutines (CFB uses the forward function both ways). We drop them as kcp-go
            // does and KCP resends. kcp-go's other ciphers are stateless, so any drop there is ours.
            KcpSessionStats stats = session.stats();
            long allowed = "sm4".equals(crypt) ? stats.segmentsReceived() / 10 : 0;
            assertThat(stats.segmentsReceived()).isPositive();
            assertThat(stats.codecDrops())
                    .as("datagrams our codec rejected, crc %d", codec.counters().badChecksum())
                    .isLessThanOrEqualTo(allowed);
        }
    }

    @ParameterizedTest(name = "kcptun-client -> listener {0} fec {1}/{2} smux v{3}")
    @MethodSource("subset")
    void kcptunClientAgainstOurListener(String crypt, int data, int parity, int smux) throws Exception {
        try (UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20);
                KcpListener listener = KcpListener.listen(
                        loop,
                        carrier,
                        KcpConfig.defaults(),
                        () -> Codecs.create(crypt, KeyDerivation.kcptun(KEY), data, parity),
                        8,
                        Duration.ofSeconds(30))) {
            threads.submit(() -> serveEcho(listener, smux));
            int tcpPort = KcptunProcess.freeTcpPort();
            List<String> flags = new ArrayList<>(KcptunProcess.flags(KEY, crypt, false, data, parity, smux));
            flags.addAll(List.of("--conn", "1"));
            try (KcptunProcess kcptun = KcptunProcess.client(
                    "127.0.0.1:" + tcpPort,
                    "127.0.0.1:" + carrier.localAddress().getPort(),
                    flags)) {
                bothEchoed(kcptun, tcpPort);
            }
        }
    }

    /** Two connections at once through kcptun-client's listener, each echoed and checked. */
    private static void bothEchoed(KcptunProcess kcptun, int tcpPort) throws Exception {
        try (Socket a = connectWithRetry(tcpPort);
                Socket b = connectWithRetry(tcpPort)) {
            CompletableFuture<Void> first = EchoRoundTrip.start(
                    a.getInputStream(),
                    a.getOutputStream(),
                    a::shutdownOutput,
                    EchoRoundTrip.randomPayload(0, BYTES_PER_STREAM),
                    threads);
            CompletableFuture<Void> second = EchoRoundTrip.start(
                    b.getInputStream(),
                    b.getOutputStream(),
                    b::shutdownOutput,
                    EchoRoundTrip.randomPayload(1, BYTES_PER_STREAM),
                    threads);
            first.get(20, TimeUnit.SECONDS);
            second.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw kcptun.failure("two echo round trips", e);
        }
    }

    /** Our side as kcptun-server: every smux stream of every KCP session echoes its bytes. */
    private static Void serveEcho(KcpListener listener, int smux) {
        while (true) {
            KcpSession session;
            try {
                session = listener.accept();
            } catch (IOException e) {
                return null;
            }
            MuxSession mux = MuxSession.server(
                    new MuxTransport(session.inputStream(), session.outputStream(), session),
                    MuxConfig.kcptunDefaults(smux));
            session.onClose(mux::close);
            threads.submit(() -> {
                while (true) {
                    MuxStream stream = mux.acceptStream();
                    threads.submit(() -> {
                        try (stream) {
                            stream.inputStream().transferTo(stream.outputStream());
                        }
                        return null;
                    });
                }
            });
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
