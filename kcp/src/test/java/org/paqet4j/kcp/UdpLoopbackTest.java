package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.packet.UdpCarrier;
import org.slf4j.LoggerFactory;

/** Real UDP on 127.0.0.1 through {@link KcpDialer} and {@link KcpListener}. */
@Timeout(60)
class UdpLoopbackTest {
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private KcpEventLoop loop;

    @BeforeEach
    void startLoop() {
        loop = KcpEventLoop.start("kcp-test");
    }

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        loop.close();
    }

    private UdpCarrier carrier() throws IOException {
        UdpCarrier carrier = UdpCarrier.bind(ANY_LOOPBACK, 4 * 1024 * 1024);
        resources.add(carrier);
        return carrier;
    }

    private KcpListener listen(UdpCarrier carrier, KcpConfig config, int maxSessions, Duration idle) {
        KcpListener listener = KcpListener.listen(loop, carrier, config, PassThroughCodec::new, maxSessions, idle);
        resources.add(listener);
        return listener;
    }

    private KcpSession dial(UdpCarrier carrier, UdpCarrier server, KcpConfig config) throws IOException {
        KcpSession session = KcpDialer.dial(loop, carrier, server.localAddress(), config, new PassThroughCodec());
        resources.add(session);
        return session;
    }

    private CompletableFuture<byte[]> writeAsync(OutputStream out, byte[] data) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        for (int off = 0; off < data.length; off += 16384) {
                            out.write(data, off, Math.min(16384, data.length - off));
                        }
                        return sha256(data, data.length);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
    }

    private CompletableFuture<byte[]> readAsync(InputStream in, int length) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        MessageDigest digest = MessageDigest.getInstance("SHA-256");
                        byte[] buf = new byte[32768];
                        int total = 0;
                        while (total < length) {
                            int n = in.read(buf, 0, Math.min(buf.length, length - total));
                            if (n < 0) {
                                throw new IOException("EOF after " + total + " of " + length + " bytes");
                            }
                            digest.update(buf, 0, n);
                            total += n;
                        }
                        return digest.digest();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(data, 0, length);
            return digest.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void transfersMegabytesBothWaysWithMatchingHashes() throws Exception {
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, KcpConfig.defaults(), 16, Duration.ofSeconds(30));
        UdpCarrier clientCarrier = carrier();
        KcpSession client = dial(clientCarrier, serverCarrier, KcpConfig.defaults());

        byte[] up = random(8 * 1024 * 1024, 1);
        byte[] down = random(6 * 1024 * 1024, 2);
        CompletableFuture<byte[]> upWritten = writeAsync(client.outputStream(), up);
        KcpSession server = listener.accept();
        assertThat(server.conv()).isEqualTo(client.conv());
        assertThat(server.remoteAddress()).isEqualTo(clientCarrier.localAddress());
        assertThat(client.remoteAddress()).isEqualTo(serverCarrier.localAddress());
        CompletableFuture<byte[]> upRead = readAsync(server.inputStream(), up.length);
        CompletableFuture<byte[]> downWritten = writeAsync(server.outputStream(), down);
        CompletableFuture<byte[]> downRead = readAsync(client.inputStream(), down.length);

        assertThat(upRead.get(45, TimeUnit.SECONDS)).isEqualTo(upWritten.get());
        assertThat(downRead.get(45, TimeUnit.SECONDS)).isEqualTo(downWritten.get());
        assertThat(client.stats().bytesWritten()).isEqualTo(up.length);
        assertThat(server.stats().bytesRead()).isEqualTo(up.length);
        assertThat(client.stats().bytesRead()).isEqualTo(down.length);
        assertThat(client.isAlive()).isTrue();
    }

    @Test
    void newConvWithSnZeroFromTheSameAddressReplacesTheSessionOnceItIsQuiet() throws Exception {
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, KcpConfig.defaults(), 16, Duration.ofSeconds(30));
        UdpCarrier clientCarrier = carrier();
        KcpSession first = KcpDialer.dial(
                loop, clientCarrier, serverCarrier.localAddress(), KcpConfig.defaults(), new PassThroughCodec(), 1000);
        first.outputStream().write("first".getBytes());
        KcpSession firstServer = listener.accept();
        assertThat(readAsync(firstServer.inputStream(), 5).get(10, TimeUnit.SECONDS))
                .isEqualTo(sha256("first".getBytes(), 5));
        long quietSince = System.nanoTime();

        // The client restarts on the same address with a new conversation: KCP retransmits its
        // first segment until the old session has been quiet long enough to be taken for dead.
        KcpSession second = KcpDialer.dial(
                loop, clientCarrier, serverCarrier.localAddress(), KcpConfig.defaults(), new PassThroughCodec(), 2000);
        resources.add(second);
        second.outputStream().write("second".getBytes());
        KcpSession secondServer = listener.accept();
        assertThat(Duration.ofNanos(System.nanoTime() - quietSince))
                .isGreaterThanOrEqualTo(KcpListener.REPLACE_AFTER_QUIET.minusMillis(100));

        assertThat(secondServer.conv()).isEqualTo(2000);
        assertThat(readAsync(secondServer.inputStream(), 6).get(20, TimeUnit.SECONDS))
                .isEqualTo(sha256("second".getBytes(), 6));
        await("old server session to close", () -> !firstServer.isAlive(), Duration.ofSeconds(5));
        assertThat(firstServer.closeReason()).isEqualTo(CloseReason.REPLACED);
        assertThat(first.closeReason()).isEqualTo(CloseReason.REPLACED);
        assertThat(firstServer.inputStream().read()).isEqualTo(-1);
        assertThat(listener.replacedSessions.get()).isEqualTo(1);
        assertThat(listener.sessionCount()).isEqualTo(1);
    }

    /**
     * The attack: one spoofed datagram of another conversation with sn 0, from the client's own
     * address and port (a captured first datagram of an old session), used to replace the live
     * session and cut everything on it.
     */
    @Test
    void aFirstDatagramOfAnotherConvDoesNotReplaceALiveSession() throws Exception {
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, KcpConfig.defaults(), 16, Duration.ofSeconds(30));
        UdpCarrier clientCarrier = carrier();
        KcpSession client = dial(clientCarrier, serverCarrier, KcpConfig.defaults());
        client.outputStream().write(1);
        KcpSession server = listener.accept();
        assertThat(server.inputStream().read()).isEqualTo(1);

        byte[] spoof = new byte[Kcp.OVERHEAD + 1];
        ByteBuffer.wrap(spoof)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x5EED)
                .put((byte) Kcp.CMD_PUSH)
                .put((byte) 0)
                .putShort((short) 128)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(1)
                .put((byte) 7);
        clientCarrier.send(ByteBuffer.wrap(spoof), serverCarrier.localAddress());

        client.outputStream().write(2);
        assertThat(readAsync(server.inputStream(), 1).get(10, TimeUnit.SECONDS)).isEqualTo(sha256(new byte[] {2}, 1));
        assertThat(server.isAlive()).isTrue();
        assertThat(listener.refusedReplacements()).isEqualTo(1);
        assertThat(listener.replacedSessions.get()).isZero();
        assertThat(listener.sessionCount()).isEqualTo(1);
    }

    /** The attack: one address opening sessions from many ports; every refusal is counted, few are logged. */
    @Test
    void newSessionsPerSourceAddressAreRateLimitedAndTheirRefusalsLoggedRarely() throws Exception {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(KcpListener.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            UdpCarrier serverCarrier = carrier();
            KcpListener listener = KcpListener.listen(
                    loop,
                    serverCarrier,
                    KcpConfig.defaults(),
                    PassThroughCodec::new,
                    64,
                    Duration.ofSeconds(30),
                    new NewSessionRate(3, 0.01));
            resources.add(listener);
            for (int i = 0; i < 20; i++) {
                dial(carrier(), serverCarrier, KcpConfig.defaults())
                        .outputStream()
                        .write(i);
            }
            // Each refused dialer retransmits its first segment: many more refusals than dialers.
            await("refusals", () -> listener.droppedSessionRate() >= 40, Duration.ofSeconds(10));
            assertThat(listener.sessionCount()).isEqualTo(3);
            assertThat(lines.list.stream()
                            .filter(e -> e.getFormattedMessage().contains("refused"))
                            .count())
                    .as("log lines for %d refusals", listener.droppedSessionRate())
                    .isEqualTo(1);
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void idleSessionsAreReaped() throws Exception {
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, KcpConfig.defaults(), 16, Duration.ofMillis(800));
        KcpSession client = dial(carrier(), serverCarrier, KcpConfig.defaults());
        client.outputStream().write(1);
        KcpSession server = listener.accept();
        CountDownLatch closed = new CountDownLatch(1);
        server.onClose(closed::countDown);

        assertThat(closed.await(5, TimeUnit.SECONDS)).as("idle session reaped").isTrue();
        assertThat(server.closeReason()).isEqualTo(CloseReason.IDLE);
        assertThat(listener.sessionCount()).isZero();
        assertThat(client.isAlive())
                .as("a client without data in flight does not notice")
                .isTrue();
    }

    @Test
    void sessionCountIsCapped() throws Exception {
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, KcpConfig.defaults(), 2, Duration.ofSeconds(30));
        List<KcpSession> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            KcpSession client = dial(carrier(), serverCarrier, KcpConfig.defaults());
            client.outputStream().write(i);
            clients.add(client);
        }
        listener.accept();
        listener.accept();
        await("the third session to be refused", () -> listener.droppedSessionLimit.get() > 0, Duration.ofSeconds(5));
        assertThat(listener.sessionCount()).isEqualTo(2);
    }

    @Test
    void stalledReaderBoundsMemoryAndResumes() throws Exception {
        KcpConfig config = KcpConfig.defaults().withWindows(64, 64);
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, config, 16, Duration.ofSeconds(30));
        KcpSession client = dial(carrier(), serverCarrier, config);
        byte[] data = random(4 * 1024 * 1024, 3);
        CompletableFuture<byte[]> written = writeAsync(client.outputStream(), data);
        KcpSession server = listener.accept();

        // Nobody reads: the writer must stall with at most windows' worth of data buffered.
        AtomicLong lastWritten = new AtomicLong(-1);
        await(
                "writer to stall",
                () -> {
                    long now = client.stats().bytesWritten();
                    boolean stalled = now == lastWritten.get();
                    lastWritten.set(now);
                    return stalled && now > 0;
                },
                Duration.ofSeconds(10));
        Thread.sleep(300);
        KcpSessionStats sender = client.stats();
        KcpSessionStats receiver = server.stats();
        assertThat(written).isNotDone();
        int mss = config.mtu() - Kcp.OVERHEAD;
        assertThat(sender.bytesWritten())
                .as("bytes accepted from the writer")
                .isLessThanOrEqualTo((long) (64 + 64 + 64 + 1) * mss);
        assertThat(sender.sendQueue() + sender.sendBuffer()).isLessThanOrEqualTo(64);
        assertThat(sender.remoteWindow())
                .as("window advertised by the stalled receiver")
                .isZero();
        assertThat(receiver.receiveQueue()).isLessThanOrEqualTo(64);
        assertThat(receiver.receiveBuffer()).isLessThanOrEqualTo(64);

        assertThat(readAsync(server.inputStream(), data.length).get(45, TimeUnit.SECONDS))
                .isEqualTo(written.get());
    }

    @Test
    void deadLinkClosesTheSessionAndEndsItsStreams() throws Exception {
        KcpConfig config = KcpConfig.of(KcpMode.FAST3).withDeadLinkRetransmits(5);
        UdpCarrier serverCarrier = carrier();
        KcpListener listener = listen(serverCarrier, config, 16, Duration.ofSeconds(30));
        KcpSession client = dial(carrier(), serverCarrier, config);
        client.outputStream().write(7);
        listener.accept();
        serverCarrier.close(); // the server vanishes
        CountDownLatch closed = new CountDownLatch(1);
        client.onClose(closed::countDown);
        client.outputStream().write(8);

        assertThat(closed.await(20, TimeUnit.SECONDS)).as("dead link detected").isTrue();
        assertThat(client.closeReason()).isEqualTo(CloseReason.DEAD_LINK);
        assertThat(client.stats().retransmitsRto()).isGreaterThanOrEqualTo(4);
        assertThat(client.inputStream().read()).isEqualTo(-1);
        assertThatThrownBy(() -> client.outputStream().write(9))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("DEAD_LINK");
    }

    @Test
    void acceptFailsOnceTheListenerIsClosed() throws Exception {
        KcpListener listener = listen(carrier(), KcpConfig.defaults(), 4, Duration.ofSeconds(30));
        CompletableFuture<KcpSession> accepted = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return listener.accept();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
        Thread.sleep(100);
        listener.close();
        assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(RuntimeException.class)
                .hasRootCauseInstanceOf(ClosedChannelException.class);
    }
}
