package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.codec.CodecCounters;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
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
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.TransportSettings;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.socks.Socks5Server;

/**
 * Issue 6, bad input: forged and replayed datagrams flooding the server's UDP port, streams with
 * malformed headers, SOCKS5 clients that send garbage or stall. Each is dropped or answered and
 * counted, legitimate traffic is undisturbed, and platform threads and heap return to baseline.
 */
class BadInputTest {

    private static final InetAddress LOOPBACK = TunnelHarness.LOOPBACK;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(LOOPBACK, 0);
    private static final byte[] KEY = KeyDerivation.paqet("paqet4j bad input test key");
    /** KCP sessions the server's listener admits: the legitimate client plus a few. */
    private static final int MAX_KCP_SESSIONS = 4;

    private static final Duration KCP_IDLE = Duration.ofSeconds(3);
    private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);
    private static final Duration SOCKS_HANDSHAKE = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private Set<Long> baselineThreads;
    private long baselineHeap;

    @BeforeEach
    void baseline() throws InterruptedException {
        baselineThreads = platformThreadIds();
        baselineHeap = retainedHeap();
    }

    @AfterEach
    void backToBaseline() throws InterruptedException {
        // Platform threads: every thread this test started must be gone (the JDK's shared pools,
        // virtual-thread carriers, pollers and process reapers, start lazily and stay or idle out).
        assertThat(await(Duration.ofSeconds(10), () -> strayThreads().isEmpty()))
                .as("threads left behind: %s", strayThreads())
                .isTrue();
        long heap = retainedHeap();
        System.err.printf(
                "threads: baseline %d, now %d (JDK pools included); heap: baseline %d MiB, now %d MiB%n",
                baselineThreads.size(),
                ManagementFactory.getThreadMXBean().getThreadCount(),
                baselineHeap >> 20,
                heap >> 20);
        assertThat(heap)
                .as("retained heap %d MiB, baseline %d MiB", heap >> 20, baselineHeap >> 20)
                .isLessThan(baselineHeap + (32L << 20));
    }

    static Stream<Arguments> ciphers() {
        return Stream.of(Arguments.of("aes", false), Arguments.of("aes-128-gcm", false), Arguments.of("aes", true));
    }

    @ParameterizedTest(name = "{0}, guard {1}")
    @MethodSource("ciphers")
    void forgedAndReplayedDatagramsDoNotDisturbADownload(String cipher, boolean guard) throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                Fixture tunnel = new Fixture(cipher, guard);
                Socks5Server socks =
                        Socks5Server.start(ANY_LOOPBACK, tunnel.client, Optional.empty(), SOCKS_HANDSHAKE, 16);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("big.bin", 20 << 20, 6);
            Path out = dir.resolve("big.out");
            Future<Integer> download = pool.submit(() -> LocalHttpServer.curl(
                    dir.resolve("curl.log"),
                    "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(),
                    "-o",
                    out.toString(),
                    "http://localhost:" + http.port + "/big.bin"));
            assertThat(await(Duration.ofSeconds(10), () -> tunnel.relay.recorded.size() >= 200))
                    .isTrue();
            long codecDropsBefore = tunnel.serverCodecDrops();
            long socketDropsBefore = KernelDrops.towards(tunnel.serverAddress().getPort());
            // The client's first datagrams came before the guard's start-up wait was over.
            long guardRefusedBefore = guard ? tunnel.guard.rejectedReplay() + tunnel.guard.rejectedBeforeStart() : 0;

            Flood flood = new Flood(tunnel, guard);
            AtomicInteger maxKcpSessions = new AtomicInteger();
            Future<?> sampler = pool.submit(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxKcpSessions.accumulateAndGet(tunnel.listener.sessionCount(), Math::max);
                    Thread.sleep(20);
                }
                return null;
            });
            flood.run(50_000, Duration.ofSeconds(6));
            sampler.cancel(true);

            assertThat(download.get(120, TimeUnit.SECONDS))
                    .as(Files.readString(dir.resolve("curl.log")))
                    .isZero();
            assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);

            long codecDrops = tunnel.serverCodecDrops() - codecDropsBefore;
            // The lower bounds only show that the flood reached the code under test: on a loaded (or a
            // fast) machine the kernel drops part of it first, and its counters do not see every drop
            // on loopback (a fresh-clone run lost 1,383 more forged datagrams than the socket's counter showed). So:
            // at least half of what the kernel's counters say was delivered. That nothing forged got
            // through is shown by the download's hash and, with the guard, by zero cipher drops.
            long socketDrops = KernelDrops.towards(tunnel.serverAddress().getPort()) - socketDropsBefore;
            long forgedDelivered = Math.max(1, (flood.forged - socketDrops) / 2);
            if (guard) {
                long rejected = tunnel.guard.rejectedMagic() + tunnel.guard.rejectedTag();
                assertThat(rejected)
                        .as("guard rejections of %d forged, %d dropped by the kernel", flood.forged, socketDrops)
                        .isBetween(forgedDelivered, flood.forged);
                assertThat(codecDrops).as("forged datagrams reached the cipher").isZero();
                // Replays are refused by the guard's per-sender counter window, from any port (the
                // kernel drops some of the flood first), so no replayed datagram creates a session.
                assertThat(tunnel.guard.rejectedReplay() + tunnel.guard.rejectedBeforeStart() - guardRefusedBefore)
                        .as("guard rejections of %d replayed, %d dropped by the kernel", flood.replayed, socketDrops)
                        .isBetween(Math.max(1, (flood.replayed - socketDrops) / 2), flood.replayed);
                assertThat(maxKcpSessions.get()).isEqualTo(1);
            } else {
                assertThat(codecDrops)
                        .as("codec drops of %d forged, %d dropped by the kernel", flood.forged, socketDrops)
                        .isBetween(forgedDelivered, flood.forged);
            }
            assertThat(maxKcpSessions.get())
                    .as("replays from other ports stay under the session cap")
                    .isLessThanOrEqualTo(MAX_KCP_SESSIONS);
            // Sessions replays created from other ports idle out; the legitimate one stays.
            assertThat(await(
                            Duration.ofSeconds(15),
                            () -> tunnel.listener.sessionCount() == 1
                                    && tunnel.server.counters().activeSessions() == 1
                                    && tunnel.server.counters().activeStreams() == 0))
                    .as(
                            "back to one session and no stream: kcp %d, tunnel %d, streams %d",
                            tunnel.listener.sessionCount(),
                            tunnel.server.counters().activeSessions(),
                            tunnel.server.counters().activeStreams())
                    .isTrue();
            assertThat(tunnel.client.ping()).isNotNull();
            System.err.printf(
                    "%s guard=%s: forged %d, replayed %d, codec drops %d, guard rejections %s, "
                            + "kernel drops %d, max KCP sessions %d, tunnel sessions rejected %d, TCP streams rebuilt from replays %d, "
                            + "pings %d%n",
                    cipher,
                    guard,
                    flood.forged,
                    flood.replayed,
                    codecDrops,
                    guard ? tunnel.guard.rejected() : "-",
                    socketDrops,
                    maxKcpSessions.get(),
                    tunnel.server.counters().rejectedSessions(),
                    tunnel.server.counters().tcpStreams() - 1,
                    tunnel.server.counters().pings());
        }
    }

    @Test
    void malformedStreamHeadersAreClosedAndCountedWhileALegitStreamWorks() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                Fixture tunnel = new Fixture("aes-128-gcm", false)) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("one.bin", 1 << 20, 7);
            long headerErrorsBefore = tunnel.server.counters().headerErrors();
            try (TunnelSession raw = tunnel.dialRaw()) {
                long opened = System.nanoTime();
                TunnelStream garbage = raw.openStream();
                garbage.outputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                TunnelStream truncated = raw.openStream();
                truncated.outputStream().write(new byte[] {'P', StreamHeader.VERSION, StreamHeader.TYPE_TCP, 0});
                TunnelStream oversize = raw.openStream();
                oversize.outputStream().write(new byte[] {
                    'P', StreamHeader.VERSION, StreamHeader.TYPE_TCP, (byte) 0xFF, (byte) 0xFF, 'x'
                });
                TunnelStream badType = raw.openStream();
                badType.outputStream().write(new byte[] {'P', StreamHeader.VERSION, 0x77, 0, 0});
                for (OutputStream o : List.of(
                        garbage.outputStream(),
                        truncated.outputStream(),
                        oversize.outputStream(),
                        badType.outputStream())) {
                    o.flush();
                }

                String body = httpGetThroughTunnel(tunnel.client, http.port, "/one.bin");
                assertThat(LocalHttpServer.sha256(body.getBytes(StandardCharsets.ISO_8859_1)))
                        .isEqualTo(sha);

                for (TunnelStream s : List.of(garbage, oversize, badType, truncated)) {
                    assertThat(closedByPeer(s, Duration.ofSeconds(5)))
                            .as("stream %d closed by the server", s.id())
                            .isTrue();
                }
                // The stalled one was closed at the header deadline, not before.
                assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(HEADER_TIMEOUT);
                assertThat(tunnel.server.counters().headerErrors() - headerErrorsBefore)
                        .isEqualTo(4);
                assertThat(await(
                                Duration.ofSeconds(5),
                                () -> tunnel.server.counters().activeStreams() == 0))
                        .isTrue();
                assertThat(raw.isClosed())
                        .as("a bad stream does not end its session")
                        .isFalse();
                System.err.printf(
                        "malformed headers: headerErrors %d, activeStreams %d%n",
                        tunnel.server.counters().headerErrors(),
                        tunnel.server.counters().activeStreams());
            }
        }
    }

    @Test
    void socks5GarbageAndStallsAreAnsweredClosedAndCounted() throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                Fixture tunnel = new Fixture("aes-128-gcm", false);
                Socks5Server socks =
                        Socks5Server.start(ANY_LOOPBACK, tunnel.client, Optional.empty(), SOCKS_HANDSHAKE, 16);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("mid.bin", 4 << 20, 8);
            Path out = dir.resolve("mid.out");
            Future<Integer> download = pool.submit(() -> LocalHttpServer.curl(
                    dir.resolve("curl.log"),
                    "--socks5-hostname",
                    "127.0.0.1:" + socks.localAddress().getPort(),
                    "-o",
                    out.toString(),
                    "http://localhost:" + http.port + "/mid.bin"));
            int port = socks.localAddress().getPort();

            // SOCKS4 request: no SOCKS5 reply can be meaningful, the connection is closed.
            assertThat(exchange(port, bytes(0x04, 0x01, 0x00, 0x50, 127, 0, 0, 1, 0)))
                    .isEmpty();
            // Only username/password offered, the server wants no-auth: 0xFF.
            assertThat(exchange(port, bytes(0x05, 0x01, 0x02))).containsExactly(bytes(0x05, 0xFF));
            // Command 0x09 does not exist: 0x07 after the method reply.
            byte[] badCommand = exchange(port, bytes(0x05, 0x01, 0x00, 0x05, 0x09, 0x00, 0x01, 127, 0, 0, 1, 0, 80));
            assertThat(Arrays.copyOf(badCommand, 4)).containsExactly(bytes(0x05, 0x00, 0x05, 0x07));
            // Address type 0x07 does not exist: 0x08.
            byte[] badType = exchange(port, bytes(0x05, 0x01, 0x00, 0x05, 0x01, 0x00, 0x07, 1, 2, 3, 4));
            assertThat(Arrays.copyOf(badType, 4)).containsExactly(bytes(0x05, 0x00, 0x05, 0x08));
            // Connects and says nothing: closed at the handshake deadline.
            long start = System.nanoTime();
            assertThat(exchange(port, new byte[0])).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(SOCKS_HANDSHAKE.minusMillis(50));
            // A greeting cut short, then silence: also closed at the deadline.
            assertThat(exchange(port, bytes(0x05, 0x03, 0x00))).isEmpty();

            assertThat(download.get(60, TimeUnit.SECONDS))
                    .as(Files.readString(dir.resolve("curl.log")))
                    .isZero();
            assertThat(LocalHttpServer.sha256(out)).isEqualTo(sha);
            // A stalled handshake is counted by its own thread after the deadline closed the socket,
            // which may be just after the client saw the close.
            await(Duration.ofSeconds(5), () -> socks.counters().handshakeFailures() >= 5);
            assertThat(socks.counters().handshakeFailures())
                    .as("bad version, command, address type, two stalls")
                    .isEqualTo(5);
            assertThat(socks.counters().authFailures()).isEqualTo(1);
            assertThat(socks.counters().connections()).isEqualTo(7);
            assertThat(await(Duration.ofSeconds(5), () -> socks.connectionCount() == 0))
                    .isTrue();
            System.err.printf(
                    "socks5: connections %d, handshakeFailures %d, authFailures %d%n",
                    socks.counters().connections(),
                    socks.counters().handshakeFailures(),
                    socks.counters().authFailures());
        }
    }

    // --- helpers ---

    /** Sends {@code request}, half-closes nothing, and returns everything the server sent until it closed. */
    private static byte[] exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request);
            return socket.getInputStream().readAllBytes();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static String httpGetThroughTunnel(TunnelClient client, int port, String path) throws IOException {
        try (TunnelStream stream = client.openTcp(new Target("127.0.0.1", port))) {
            stream.outputStream()
                    .write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            stream.outputStream().flush();
            stream.setReadTimeout(Duration.ofSeconds(20));
            String response = new String(stream.inputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.0 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    /** True when the peer closes {@code stream} (end of stream) within {@code timeout}. */
    private static boolean closedByPeer(TunnelStream stream, Duration timeout) throws IOException {
        stream.setReadTimeout(timeout);
        InputStream in = stream.inputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static Set<Long> platformThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ids.add(t.threadId());
        }
        return ids;
    }

    private List<String> strayThreads() {
        List<String> stray = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            boolean jdkPool = name.startsWith("ForkJoinPool-")
                    || name.startsWith("process reaper")
                    || name.startsWith("Attach Listener")
                    || name.startsWith("Common-Cleaner")
                    || name.equals("MasterPoller")
                    || name.equals("VirtualThread-unblocker")
                    || name.endsWith("Poller");
            if (!baselineThreads.contains(t.threadId()) && !jdkPool && t.isAlive()) {
                stray.add(name);
            }
        }
        return stray;
    }

    /** Heap in use after full collections: the smallest of a few samples. */
    private static long retainedHeap() throws InterruptedException {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            min = Math.min(
                    min,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    // --- fixture ---

    /**
     * Client and server over KCP on UDP carriers on loopback, with a recording UDP relay between
     * them (so client datagrams can be captured and replayed from the client's own source), a
     * short header timeout, a small KCP session cap and idle timeout, and every server-side codec
     * kept so their drop counters can be summed.
     */
    private static final class Fixture implements AutoCloseable {
        final TunnelServer server = new TunnelServer(
                new ServerLimits(16, 64, 256, HEADER_TIMEOUT, Duration.ofSeconds(5)),
                AccessRules.defaults(),
                HostResolver.SYSTEM,
                (peer, masks) -> {});
        final TunnelClient client;
        final KcpListener listener;
        final GuardedCarrier guard;
        final RecordingRelay relay;
        final Queue<DatagramCodec> serverCodecs = new ConcurrentLinkedQueue<>();
        private final TransportSettings clientSettings;
        private final KcpEventLoop serverLoop = KcpEventLoop.start("badinput-kcp-server");
        private final KcpEventLoop clientLoop = KcpEventLoop.start("badinput-kcp-client");
        private final PacketCarrier serverCarrier;
        private final KcpSessionAcceptor acceptor;
        private final List<AutoCloseable> raw = new CopyOnWriteArrayList<>();

        Fixture(String cipher, boolean guarded) throws IOException {
            Optional<GuardKey> guardKey = guarded
                    ? Optional.of(new GuardKey(
                            GuardKey.deriveKey("bad input guard"),
                            Duration.ofSeconds(30),
                            Duration.ofSeconds(1),
                            System::currentTimeMillis)) // one clock: a short skew, a short start-up wait
                    : Optional.empty();
            KcpConfig kcp = KcpConfig.defaults().withMtu(guarded ? 1350 - GuardedCarrier.OVERHEAD : 1350);
            clientSettings = new TransportSettings(
                    kcp, () -> Codecs.create(cipher, KEY, 0, 0), MuxConfig.paqetDefaults(), guardKey);
            TransportSettings serverSettings = new TransportSettings(
                    kcp,
                    () -> {
                        DatagramCodec codec = Codecs.create(cipher, KEY, 0, 0);
                        serverCodecs.add(codec);
                        return codec;
                    },
                    MuxConfig.paqetDefaults(),
                    guardKey);
            UdpCarrier udp = UdpCarrier.bind(ANY_LOOPBACK, 8 << 20);
            guard = guardKey.map(c -> GuardedCarrier.listening(udp, c)).orElse(null);
            serverCarrier = guard != null ? guard : udp;
            listener = KcpListener.listen(
                    serverLoop, serverCarrier, kcp, serverSettings.codecs(), MAX_KCP_SESSIONS, KCP_IDLE);
            acceptor = new KcpSessionAcceptor(listener, server, serverSettings);
            relay = new RecordingRelay(serverCarrier.localAddress());
            client = new TunnelClient(
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
                            clientSettings));
            client.start();
        }

        InetSocketAddress serverAddress() {
            return serverCarrier.localAddress();
        }

        /** A second session straight to the server, driven by the test. */
        TunnelSession dialRaw() throws IOException {
            TunnelSession session = new KcpSessionDialer(
                            clientLoop, slot -> UdpCarrier.bind(ANY_LOOPBACK, 1 << 20), serverAddress(), clientSettings)
                    .dial(0);
            raw.add(session);
            return session;
        }

        long serverCodecDrops() {
            long sum = 0;
            for (DatagramCodec codec : serverCodecs) {
                CodecCounters c = codec.counters();
                sum += c.badChecksum() + c.badTag() + c.malformed();
            }
            return sum;
        }

        @Override
        public void close() throws Exception {
            client.close();
            for (AutoCloseable r : raw) {
                r.close();
            }
            server.close();
            acceptor.close();
            serverCarrier.close();
            relay.close();
            clientLoop.close();
            serverLoop.close();
        }
    }

    /**
     * Forged and replayed datagrams aimed at the server: random garbage and well-formed-looking
     * datagrams with a broken CRC/tag (with the guard: a wrong guard tag), sent from a stranger's
     * socket and from the client's own source; replays of captured client datagrams from the
     * client's source and from several other ports (which must stay under the session cap).
     */
    private static final class Flood {
        private final Fixture tunnel;
        private final boolean guard;
        private final Random random = new Random(66);
        long forged;
        long replayed;

        Flood(Fixture tunnel, boolean guard) {
            this.tunnel = tunnel;
            this.guard = guard;
        }

        void run(int datagrams, Duration limit) throws IOException {
            List<DatagramChannel> strangers = new ArrayList<>();
            try {
                for (int i = 0; i < 3 * MAX_KCP_SESSIONS; i++) {
                    strangers.add(DatagramChannel.open().bind(ANY_LOOPBACK));
                }
                InetSocketAddress server = tunnel.serverAddress();
                List<byte[]> captured = List.copyOf(tunnel.relay.recorded);
                // One stranger replays the capture in order, as a whole new session would look:
                // the server rebuilds the client's first streams (the known limit of a protocol
                // without a handshake), bounded by the session cap, the KCP window and idle timeout.
                try (DatagramChannel replayer = DatagramChannel.open().bind(ANY_LOOPBACK)) {
                    for (byte[] datagram : captured) {
                        replayer.send(ByteBuffer.wrap(datagram), server);
                        replayed++;
                    }
                }
                long end = System.nanoTime() + limit.toNanos();
                for (int i = 0; i < datagrams && System.nanoTime() < end; i++) {
                    byte[] sample = captured.get(i % captured.size());
                    DatagramChannel stranger = strangers.get(i % strangers.size());
                    switch (i % 5) {
                        case 0 -> {
                            byte[] garbage = new byte[40 + random.nextInt(1300)];
                            random.nextBytes(garbage);
                            stranger.send(ByteBuffer.wrap(garbage), server);
                            forged++;
                        }
                        case 1, 2 -> {
                            byte[] broken = broken(sample);
                            if (i % 5 == 1) {
                                tunnel.relay.injectAsClient(broken);
                            } else {
                                stranger.send(ByteBuffer.wrap(broken), server);
                            }
                            forged++;
                        }
                        case 3 -> {
                            tunnel.relay.injectAsClient(sample);
                            replayed++;
                        }
                        default -> {
                            stranger.send(ByteBuffer.wrap(sample), server);
                            replayed++;
                        }
                    }
                    if ((i & 63) == 63) {
                        // Keeps the flood within what the 8 MiB socket buffer can absorb on 2 cores.
                        Thread.yield();
                    }
                }
            } finally {
                for (DatagramChannel c : strangers) {
                    c.close();
                }
            }
        }

        /** A captured datagram that still looks right but cannot authenticate. */
        private byte[] broken(byte[] sample) {
            byte[] copy = sample.clone();
            if (guard) {
                // Magic intact, tag (the header's last 8 bytes) or payload wrong: the guard must drop
                // it before any decryption.
                int at = GuardedCarrier.OVERHEAD - 8 + random.nextInt(copy.length - GuardedCarrier.OVERHEAD + 8);
                copy[at] ^= (byte) (1 + random.nextInt(255));
            } else {
                int at = 16 + random.nextInt(copy.length - 16);
                copy[at] ^= (byte) (1 + random.nextInt(255));
            }
            return copy;
        }
    }
}
