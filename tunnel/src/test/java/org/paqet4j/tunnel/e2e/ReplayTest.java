package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.guard.GuardKey;
import org.paqet4j.tunnel.guard.GuardedCarrier;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.TransportSettings;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.socks.Socks5Server;

/**
 * Replays of captured client traffic against the server's UDP port, over the whole stack (KCP,
 * {@code aes}, smux, the paqet stream protocol) on loopback, with a recording relay playing the
 * eavesdropper: a session replayed from new source ports must not run its requests again, and the
 * first datagram of an old session, sent from the client's own address and port, must not replace
 * the live session.
 */
class ReplayTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(LOOPBACK, 0);
    private static final byte[] KEY = KeyDerivation.paqet("paqet4j replay test key");

    @TempDir
    Path dir;

    private long baselineSockets;

    @BeforeEach
    void baseline() throws IOException {
        baselineSockets = openSockets();
    }

    /** Everything the fixture started is gone: its threads, and the sockets of servers, clients and relay. */
    @AfterEach
    void backToBaseline() throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end && (!fixtureThreads().isEmpty() || openSockets() > baselineSockets)) {
            Thread.sleep(100);
        }
        assertThat(fixtureThreads()).as("threads left behind").isEmpty();
        assertThat(openSockets())
                .as("open sockets, baseline %d", baselineSockets)
                .isLessThanOrEqualTo(baselineSockets);
    }

    private static List<String> fixtureThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("replay-kcp") || n.startsWith("relay-"))
                .toList();
    }

    /**
     * TCP and UDP sockets of this JVM: fds whose inode is in the kernel's inet tables (libc and the
     * JDK keep a Unix socket or an epoll fd opened lazily on first use; those are not ours).
     */
    private static long openSockets() throws IOException {
        Set<String> inet = new HashSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String line : Files.readAllLines(Path.of("/proc/net/" + table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9) {
                    inet.add(fields[9]);
                }
            }
        }
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            String link = Files.readSymbolicLink(fd).toString();
                            return link.startsWith("socket:[") && inet.contains(link.substring(8, link.length() - 1));
                        } catch (IOException e) {
                            return false; // closed while listing
                        }
                    })
                    .count();
        }
    }

    /** The attack: 3 POSTs captured on the path, the whole capture replayed from 5 new ports and from the client's own. */
    @Test
    void aReplayedSessionRunsNoRequestAgainWithTheGuard() throws Exception {
        try (CountingTarget target = new CountingTarget();
                Fixture tunnel = new Fixture(true)) {
            TunnelClient client = tunnel.newClient();
            assertThat(client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(post(client, target.port(), "order " + i)).startsWith("HTTP/1.0 200");
            }
            assertThat(target.posts.get()).isEqualTo(3);
            Thread.sleep(300);
            List<byte[]> captured = List.copyOf(tunnel.relay.recorded);
            assertThat(captured).hasSizeGreaterThan(3);
            long refusedBeforeReplay = tunnel.guard.rejectedReplay() + tunnel.guard.rejectedBeforeStart();

            for (int round = 0; round < 5; round++) {
                try (DatagramChannel attacker = DatagramChannel.open().bind(ANY_LOOPBACK)) {
                    for (byte[] datagram : captured) {
                        attacker.send(ByteBuffer.wrap(datagram), tunnel.serverAddress());
                    }
                }
            }
            for (byte[] datagram : captured) {
                tunnel.relay.injectAsClient(datagram);
            }
            // What a replayed session needs to reach the target: a KCP session, a stream, a dial.
            Thread.sleep(2000);
            assertThat(target.posts.get()).as("requests the target ran").isEqualTo(3);
            // Captured datagrams the client sent before the server's start-up wait was over were
            // refused the first time already, and again now for the same reason.
            assertThat(tunnel.guard.rejectedReplay() + tunnel.guard.rejectedBeforeStart() - refusedBeforeReplay)
                    .isEqualTo(6L * captured.size());
            assertThat(tunnel.listener.sessionCount()).isEqualTo(1);
            assertThat(post(client, target.port(), "after the replays")).startsWith("HTTP/1.0 200");
            assertThat(target.posts.get()).isEqualTo(4);
            client.close();
        }
    }

    /**
     * The attack: the first datagrams of a client's earlier session (another conv, sn 0), sent
     * from the address and port the live session uses, while a download runs on it.
     */
    @ParameterizedTest(name = "guard {0}")
    @ValueSource(booleans = {true, false})
    void theFirstDatagramOfAnOldSessionDoesNotReplaceTheLiveOne(boolean guard) throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                Fixture tunnel = new Fixture(guard);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            TunnelClient old = tunnel.newClient();
            assertThat(old.awaitConnected(Duration.ofSeconds(10))).isTrue();
            // Its opening datagrams: the first carries sn 0 of the old conv.
            // A snapshot first: the relay keeps recording (keepalives), and a sub-list view of a list that
            // grows under it fails.
            List<byte[]> recorded = List.copyOf(tunnel.relay.recorded);
            List<byte[]> oldSession = recorded.subList(0, Math.min(3, recorded.size()));
            old.close();

            // The client restarts behind the same address and port (the relay's): a new conv.
            TunnelClient client = tunnel.newClient();
            assertThat(client.awaitConnected(Duration.ofSeconds(20))).isTrue();
            long replaced = tunnel.listener.sessionCount();
            try (Socks5Server socks =
                    Socks5Server.start(ANY_LOOPBACK, client, Optional.empty(), Duration.ofSeconds(5), 16)) {
                String sha = http.generate("big.bin", 16 << 20, 4);
                Path out = dir.resolve("big.out");
                Future<Integer> download = pool.submit(() -> LocalHttpServer.curl(
                        dir.resolve("curl.log"),
                        "--socks5-hostname",
                        "127.0.0.1:" + socks.localAddress().getPort(),
                        "--limit-rate",
                        "4M",
                        "-o",
                        out.toString(),
                        "http://localhost:" + http.port + "/big.bin"));
                Thread.sleep(500);
                for (int i = 0; i < 20; i++) {
                    for (byte[] datagram : oldSession) {
                        tunnel.relay.injectAsClient(datagram);
                    }
                    Thread.sleep(50);
                }
                assertThat(download.get(60, TimeUnit.SECONDS))
                        .as(Files.readString(dir.resolve("curl.log")))
                        .isZero();
                assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
            }
            assertThat(replaced).isEqualTo(1);
            assertThat(tunnel.listener.sessionCount()).isEqualTo(1);
            assertThat(client.ping()).isNotNull();
            client.close();
        }
    }

    private static String post(TunnelClient client, int port, String body) throws IOException {
        try (TunnelStream stream = client.openTcp(new Target("127.0.0.1", port))) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            stream.outputStream()
                    .write(("POST /orders HTTP/1.0\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
            stream.outputStream().flush();
            return new String(stream.inputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** An HTTP/1.0 target that counts the POST requests it ran. */
    private static final class CountingTarget implements AutoCloseable {
        final AtomicInteger posts = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0, 64, LOOPBACK);

        CountingTarget() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                int c;
                while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                    head.append((char) c);
                }
                if (head.toString().startsWith("POST ")) {
                    posts.incrementAndGet();
                }
                s.getOutputStream()
                        .write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // client went away
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A server over KCP on a UDP carrier (guarded or not) and clients that reach it through one recording relay. */
    private static final class Fixture implements AutoCloseable {
        final TunnelServer server = new TunnelServer(
                ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, (peer, masks) -> {});
        final KcpListener listener;
        final GuardedCarrier guard;
        final RecordingRelay relay;
        private final TransportSettings settings;
        private final KcpEventLoop serverLoop = KcpEventLoop.start("replay-kcp-server");
        private final KcpEventLoop clientLoop = KcpEventLoop.start("replay-kcp-client");
        private final PacketCarrier serverCarrier;
        private final KcpSessionAcceptor acceptor;
        private final List<TunnelClient> clients = new ArrayList<>();

        Fixture(boolean guarded) throws IOException {
            Optional<GuardKey> guardKey = guarded
                    ? Optional.of(new GuardKey(
                            GuardKey.deriveKey("replay guard"),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(1),
                            System::currentTimeMillis)) // one clock: a short skew, a short start-up wait
                    : Optional.empty();
            KcpConfig kcp = KcpConfig.defaults().withMtu(guarded ? 1350 - GuardedCarrier.OVERHEAD : 1350);
            settings = new TransportSettings(
                    kcp, () -> Codecs.create("aes", KEY, 0, 0), MuxConfig.paqetDefaults(), guardKey);
            UdpCarrier udp = UdpCarrier.bind(ANY_LOOPBACK, 8 << 20);
            guard = guardKey.map(k -> GuardedCarrier.listening(udp, k)).orElse(null);
            serverCarrier = guard != null ? guard : udp;
            listener = KcpListener.listen(serverLoop, serverCarrier, kcp, settings.codecs(), 16, Duration.ofMinutes(1));
            acceptor = new KcpSessionAcceptor(listener, server, settings);
            relay = new RecordingRelay(serverCarrier.localAddress());
        }

        InetSocketAddress serverAddress() {
            return serverCarrier.localAddress();
        }

        TunnelClient newClient() throws IOException {
            TunnelClient client = new TunnelClient(
                    new ClientOptions(
                            1,
                            new short[] {TcpFlags.parse("PA")},
                            Duration.ofMillis(100),
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(1),
                            Duration.ofMillis(1500),
                            Duration.ofSeconds(10)),
                    new KcpSessionDialer(
                            clientLoop,
                            slot -> UdpCarrier.bind(ANY_LOOPBACK, 8 << 20),
                            relay.clientFacing(),
                            settings));
            clients.add(client);
            client.start();
            return client;
        }

        @Override
        public void close() throws Exception {
            for (TunnelClient client : clients) {
                client.close();
            }
            server.close();
            acceptor.close();
            serverCarrier.close();
            relay.close();
            clientLoop.close();
            serverLoop.close();
        }
    }
}
