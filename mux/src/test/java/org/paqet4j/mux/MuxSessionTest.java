package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class MuxSessionTest {

    static MuxConfig config(int version) {
        return MuxConfig.paqetDefaults()
                .withVersion(version)
                .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    static <T> CompletableFuture<T> async(Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    interface Callable<T> {
        T call() throws Exception;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void echoesOverAStreamWithOddClientAndEvenServerIds(int version) throws Exception {
        try (SessionPair p = SessionPair.open(config(version))) {
            MuxStream c1 = p.client().openStream();
            MuxStream c2 = p.client().openStream();
            assertThat(c1.id()).isEqualTo(3);
            assertThat(c2.id()).isEqualTo(5);
            MuxStream s1 = p.server().acceptStream(Duration.ofSeconds(5));
            MuxStream s2 = p.server().acceptStream(Duration.ofSeconds(5));
            assertThat(s1.id()).isEqualTo(3);
            assertThat(s2.id()).isEqualTo(5);
            MuxStream back = p.server().openStream();
            assertThat(back.id()).isEqualTo(2);
            assertThat(p.client().acceptStream(Duration.ofSeconds(5)).id()).isEqualTo(2);

            c1.outputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[5];
            assertThat(s1.inputStream().readNBytes(buf, 0, 5)).isEqualTo(5);
            assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("hello");
            s1.outputStream().write(buf);
            assertThat(c1.inputStream().readNBytes(5)).isEqualTo(buf);
            assertThat(p.client().streamCount()).isEqualTo(3);
            assertThat(p.server().streamCount()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void largeTransferSplitsIntoFramesAndArrivesIntact(int version) throws Exception {
        try (SessionPair p = SessionPair.open(config(version).withMaxFrameSize(1000), 8192)) {
            byte[] data = new byte[3 * 1024 * 1024 + 7];
            new Random(1).nextBytes(data);
            MuxStream c = p.client().openStream();
            CompletableFuture<byte[]> got =
                    async(() -> p.server().acceptStream().inputStream().readAllBytes());
            try (OutputStream out = c.outputStream()) {
                out.write(data);
            }
            assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void halfCloseWorksInBothDirections(int version) throws Exception {
        try (SessionPair p = SessionPair.open(config(version))) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));

            c.outputStream().write(new byte[] {1, 2, 3});
            c.closeWrite();
            assertThatThrownBy(() -> c.outputStream().write(1))
                    .isInstanceOf(MuxClosedException.class)
                    .hasMessageContaining("write side closed");
            assertThat(s.inputStream().readAllBytes()).containsExactly(1, 2, 3);
            assertThat(s.inputStream().read()).isEqualTo(-1);

            // The other direction still flows after the client's FIN.
            s.outputStream().write(new byte[] {4, 5});
            assertThat(c.inputStream().readNBytes(2)).containsExactly(4, 5);
            assertThat(p.client().streamCount()).isEqualTo(1);
            s.closeWrite();
            assertThat(c.inputStream().read()).isEqualTo(-1);

            // FIN both ways: both sides forget the stream without an explicit close.
            awaitTrue(() -> p.client().streamCount() == 0 && p.server().streamCount() == 0);
        }
    }

    @Test
    void closeFailsPendingReadsWritesAndAcceptsPromptly() throws Exception {
        // A tiny v2 window so the writer blocks on flow control.
        MuxConfig cfg = config(2).withBuffers(64 * 1024, 1024);
        try (SessionPair p = SessionPair.open(cfg)) {
            MuxStream c = p.client().openStream();
            p.server().acceptStream(Duration.ofSeconds(5));
            CompletableFuture<Integer> pendingRead = async(() -> c.inputStream().read());
            CompletableFuture<Object> pendingWrite = async(() -> {
                c.outputStream().write(new byte[1024 * 1024]);
                return null;
            });
            CompletableFuture<MuxStream> pendingAccept = async(() -> p.server().acceptStream());
            Thread.sleep(200);
            assertThat(pendingRead).isNotDone();
            assertThat(pendingWrite).isNotDone();
            assertThat(pendingAccept).isNotDone();

            long t0 = System.nanoTime();
            p.client().close();
            p.server().close();
            assertFailsWithClosed(pendingRead);
            assertFailsWithClosed(pendingWrite);
            assertFailsWithClosed(pendingAccept);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(p.client().closeCause()).isNull();
            assertThatThrownBy(() -> p.client().openStream()).isInstanceOf(MuxClosedException.class);
        }
    }

    @SuppressWarnings("try") // closing inside try-with-resources is what the test is about
    @Test
    void closeFailsWritersStuckOnAFullTransportPromptly() throws Exception {
        // The raw peer never reads: the first writer blocks inside the transport, the second waits for the lock.
        MuxTransport[] t = MemoryPipe.pair(4096);
        try (MuxSession s = MuxSession.client(t[0], config(1))) {
            MuxStream a = s.openStream();
            MuxStream b = s.openStream();
            CompletableFuture<Object> inTransport = async(() -> {
                a.write(new byte[100_000], 0, 100_000);
                return null;
            });
            CompletableFuture<Object> waitingForLock = async(() -> {
                b.write(new byte[100_000], 0, 100_000);
                return null;
            });
            Thread.sleep(200);
            assertThat(inTransport).isNotDone();
            assertThat(waitingForLock).isNotDone();
            s.close();
            assertFailsWithClosed(inTransport);
            assertFailsWithClosed(waitingForLock);
        }
    }

    private static void assertFailsWithClosed(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).cause().isInstanceOf(MuxClosedException.class);
    }

    @Test
    void streamCloseFailsItsPendingReadAndSendsFin() throws Exception {
        try (SessionPair p = SessionPair.open(config(2))) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            CompletableFuture<Integer> pendingRead = async(() -> c.inputStream().read());
            Thread.sleep(100);
            c.close();
            assertThatThrownBy(() -> pendingRead.get(2, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(MuxClosedException.class)
                    .hasMessageContaining("stream closed");
            assertThat(s.inputStream().read()).isEqualTo(-1);
            assertThat(p.client().streamCount()).isZero();
            s.close();
            awaitTrue(() -> p.server().streamCount() == 0);
        }
    }

    @Test
    void timeoutsThrowSocketTimeoutException() throws Exception {
        try (SessionPair p = SessionPair.open(config(2).withBuffers(64 * 1024, 1024))) {
            assertThatThrownBy(() -> p.server().acceptStream(Duration.ofMillis(50)))
                    .isInstanceOf(SocketTimeoutException.class);
            MuxStream c = p.client().openStream();
            c.setReadTimeout(Duration.ofMillis(50));
            assertThatThrownBy(() -> c.inputStream().read()).isInstanceOf(SocketTimeoutException.class);
            c.setWriteTimeout(Duration.ofMillis(50));
            // Nobody reads on the server side: the initial 256 KiB window fills up.
            assertThatThrownBy(() -> c.outputStream().write(new byte[1024 * 1024]))
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("peer window full");
            assertThat(p.client().isClosed()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void messageModeKeepsBoundaries(int version) throws Exception {
        try (SessionPair p = SessionPair.open(config(version))) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            byte[][] msgs = {new byte[] {1}, new byte[1400], new byte[65535], new byte[] {2, 3}};
            msgs[2][65534] = 9;
            for (byte[] m : msgs) {
                c.writeMessage(m, 0, m.length);
            }
            c.writeMessage(new byte[0], 0, 0);
            byte[] buf = new byte[65535];
            for (byte[] m : msgs) {
                int n = s.readMessage(buf);
                assertThat(n).isEqualTo(m.length);
                assertThat(Arrays.copyOf(buf, n)).isEqualTo(m);
            }
            c.writeMessage(new byte[100], 0, 100);
            assertThatThrownBy(() -> s.readMessage(new byte[10]))
                    .hasMessageContaining("message of 100 bytes does not fit a buffer of 10 bytes");
            assertThat(s.readMessage(buf)).isEqualTo(100);
            assertThatThrownBy(() -> c.writeMessage(new byte[65536], 0, 65536))
                    .hasMessageContaining("exceeds maxFrameSize 65535");
            c.closeWrite();
            assertThat(s.readMessage(buf)).isEqualTo(-1);
        }
    }

    @Test
    void maxStreamsLimitsBothDirections() throws Exception {
        try (SessionPair p = SessionPair.open(config(2).withMaxStreams(2))) {
            p.client().openStream();
            p.client().openStream();
            assertThatThrownBy(() -> p.client().openStream()).hasMessageContaining("maxStreams");
            assertThat(p.client().streamCount()).isEqualTo(2);
        }
    }

    @Test
    void peerOverMaxStreamsGetsFin() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        try (MuxSession client = MuxSession.client(t[0], config(2).withMaxStreams(1000));
                MuxSession server = MuxSession.server(t[1], config(2).withMaxStreams(1))) {
            MuxStream first = client.openStream();
            MuxStream second = client.openStream();
            server.acceptStream(Duration.ofSeconds(5));
            // The second SYN is refused: the server answers FIN, so the client reads EOF.
            second.setReadTimeout(Duration.ofSeconds(5));
            assertThat(second.inputStream().read()).isEqualTo(-1);
            assertThat(server.streamCount()).isEqualTo(1);
            assertThat(first.isClosed()).isFalse();
        }
    }

    @Test
    void aSynFloodOverMaxStreamsDoesNotStartAThreadPerRefusal() throws Exception {
        // The peer never reads, so every FIN refusal blocks on the full transport.
        MuxTransport[] t = MemoryPipe.pair(64);
        int before = ThreadCensus.muxThreads();
        try (MuxSession server = MuxSession.server(t[1], config(2).withMaxStreams(1))) {
            FrameWriter peer = new FrameWriter(t[0].out(), 0);
            for (int sid = 1; sid < 4000; sid += 2) {
                peer.write(2, Command.SYN, sid, new byte[0], 0, 0);
            }
            peer.flush();
            Thread.sleep(300);
            assertThat(server.isClosed()).isFalse();
            assertThat(ThreadCensus.muxThreads() - before)
                    .as("mux threads during a flood of 1999 refused SYNs")
                    .isLessThanOrEqualTo(4);
        }
    }

    @Test
    void keepaliveTimeoutClosesASessionWhosePeerWentSilent() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        MuxConfig cfg = config(2).withKeepAlive(Duration.ofMillis(50), Duration.ofMillis(300));
        CountDownLatch closed = new CountDownLatch(1);
        // The far end is silent: it drains what we send and never answers.
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                t[1].in().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the pipe closes with the session
            }
        });
        try (MuxSession s = MuxSession.client(t[0], cfg)) {
            s.onClose(closed::countDown);
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(s.isClosed()).isTrue();
            assertThat(s.closeCause())
                    .isInstanceOf(SocketTimeoutException.class)
                    .hasMessageContaining("keepalive timeout");
        }
        drain.join(2000);
        assertThat(drain.isAlive()).isFalse();
    }

    @Test
    void peerSilenceGrowsWhileNothingArrivesAndAnyFrameResetsIt() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                t[1].in().transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the pipe closes with the session
            }
        });
        MuxConfig cfg = config(2).withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (MuxSession s = MuxSession.client(t[0], cfg)) {
            Thread.sleep(300);
            assertThat(s.peerSilence()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
            // One NOP on stream 0 (version 2, command 3, length 0) is news from the peer.
            t[1].out().write(java.util.HexFormat.of().parseHex("0203000000000000"));
            t[1].out().flush();
            awaitTrue(() -> s.peerSilence().compareTo(Duration.ofMillis(200)) < 0);
            assertThat(s.isClosed()).isFalse();
        }
        drain.join(2000);
    }

    @Test
    void keepaliveNopsKeepAnIdleSessionAlive() throws Exception {
        MuxConfig cfg = config(1).withKeepAlive(Duration.ofMillis(100), Duration.ofMillis(1000));
        try (SessionPair p = SessionPair.open(cfg)) {
            Thread.sleep(2500);
            assertThat(p.client().isClosed()).isFalse();
            assertThat(p.server().isClosed()).isFalse();
        }
    }

    @Test
    void protocolErrorClosesTheSessionWithItsReason() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        try (MuxSession s = MuxSession.server(t[0], config(2))) {
            // v1 frame on a v2 session
            t[1].out().write(java.util.HexFormat.of().parseHex("0100000003000000"));
            awaitTrue(s::isClosed);
            assertThat(s.closeCause())
                    .isInstanceOf(MuxProtocolException.class)
                    .hasMessageContaining("version 1 on a v2 session");
            assertThatThrownBy(s::acceptStream)
                    .isInstanceOf(MuxClosedException.class)
                    .hasMessageContaining("version 1 on a v2 session");
        }
    }

    @Test
    void updClaimingMoreThanWasSentIsAProtocolError() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        try (MuxSession s = MuxSession.server(t[0], config(2))) {
            // SYN 3, then UPD for stream 3 saying 5 bytes were consumed: nothing was ever sent on it.
            t[1].out().write(HexFormat.of().parseHex("0200000003000000" + "0204080003000000" + "0500000000000400"));
            awaitTrue(s::isClosed);
            assertThat(s.closeCause())
                    .isInstanceOf(MuxProtocolException.class)
                    .hasMessageContaining("consumed 5 bytes, more than was sent")
                    .hasMessageContaining("stream 3");
        }
    }

    @Test
    void synWithOwnParityIsAProtocolError() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        try (MuxSession s = MuxSession.server(t[0], config(2))) {
            t[1].out().write(java.util.HexFormat.of().parseHex("0200000004000000"));
            awaitTrue(s::isClosed);
            assertThat(s.closeCause())
                    .hasMessageContaining("SYN with a stream id the client may not use")
                    .hasMessageContaining("stream 4");
        }
    }

    @SuppressWarnings("try") // closing inside try-with-resources is what the test is about
    @Test
    void transportEofClosesWithCauseAndRunsListenerOnce() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        AtomicInteger calls = new AtomicInteger();
        try (MuxSession s = MuxSession.client(t[0], config(2))) {
            s.onClose(calls::incrementAndGet);
            t[1].closer().close();
            awaitTrue(s::isClosed);
            assertThat(s.closeCause()).hasMessageContaining("transport ended");
            s.close();
            s.onClose(calls::incrementAndGet);
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void sessionClosesItselfBeforeItsTransport() throws Exception {
        MuxTransport[] t = MemoryPipe.pair(64 * 1024);
        AtomicReference<MuxSession> self = new AtomicReference<>();
        AtomicBoolean closedFirst = new AtomicBoolean();
        MuxTransport watched = new MuxTransport(t[0].in(), t[0].out(), () -> {
            closedFirst.set(self.get().isClosed());
            t[0].closer().close();
        });
        try (MuxSession peer = MuxSession.server(t[1], config(2))) {
            MuxSession s = MuxSession.client(watched, config(2));
            self.set(s);
            MuxStream stream = s.openStream();
            peer.acceptStream(Duration.ofSeconds(5));
            s.close();
            assertThat(closedFirst).isTrue();
            assertThat(stream.isClosed()).isTrue();
            awaitTrue(peer::isClosed);
        }
    }

    @Test
    void sessionsShareACallerOwnedSchedulerThatOutlivesThem() throws Exception {
        MuxConfig cfg = config(2).withKeepAlive(Duration.ofMillis(100), Duration.ofMillis(1000));
        try (MuxScheduler shared = MuxScheduler.create("mux-test-shared")) {
            for (int round = 0; round < 2; round++) {
                MuxTransport[] t = MemoryPipe.pair(64 * 1024);
                try (MuxSession c = MuxSession.client(t[0], cfg, shared);
                        MuxSession s = MuxSession.server(t[1], cfg, shared)) {
                    Thread.sleep(1500);
                    // NOPs from the shared scheduler kept both alive past the timeout.
                    assertThat(c.isClosed()).isFalse();
                    assertThat(s.isClosed()).isFalse();
                }
            }
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("mux-test-executor").factory());
        try {
            try (MuxScheduler wrapped = MuxScheduler.using(executor)) {
                MuxTransport[] t = MemoryPipe.pair(64 * 1024);
                try (MuxSession c = MuxSession.client(t[0], cfg, wrapped);
                        MuxSession s = MuxSession.server(t[1], cfg, wrapped)) {
                    Thread.sleep(1500);
                    assertThat(c.isClosed()).isFalse();
                    assertThat(s.isClosed()).isFalse();
                }
            }
            assertThat(executor.isShutdown())
                    .as("a wrapped executor belongs to the caller")
                    .isFalse();
        } finally {
            executor.shutdownNow();
        }
        assertThatThrownBy(() -> {
                    MuxScheduler closed = MuxScheduler.create("mux-test-closed");
                    closed.close();
                    MuxTransport[] t = MemoryPipe.pair(1024);
                    MuxSession.client(t[0], cfg, closed);
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MuxScheduler passed in is closed");
    }

    @Test
    void aSessionThatCannotStartStillClosesTheTransportItWasGiven() {
        AtomicBoolean transportClosed = new AtomicBoolean();
        MuxTransport[] t = MemoryPipe.pair(1024);
        MuxTransport watched = new MuxTransport(t[0].in(), t[0].out(), () -> transportClosed.set(true));
        assertThatThrownBy(() -> MuxSession.client(watched, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("config");
        assertThat(transportClosed).isTrue();
    }

    @Test
    void abortClosesAtOnceWithTheGivenCause() throws Exception {
        try (SessionPair p = SessionPair.open(config(2))) {
            MuxStream c = p.client().openStream();
            CompletableFuture<Integer> pendingRead = async(() -> c.inputStream().read());
            IOException dead = new IOException("KCP peer dead: 30 retransmissions of sn 17");
            p.client().abort(dead);
            assertThat(p.client().closeCause()).isSameAs(dead);
            assertThatThrownBy(() -> pendingRead.get(2, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(MuxClosedException.class)
                    .hasMessageContaining("KCP peer dead")
                    .hasCause(dead);
            awaitTrue(p.server()::isClosed);
        }
    }

    @Test
    void configValidationNamesTheField() {
        assertThatThrownBy(() -> MuxConfig.paqetDefaults().withVersion(3))
                .hasMessageContaining("version must be 1 or 2");
        assertThatThrownBy(() -> MuxConfig.paqetDefaults().withMaxFrameSize(65536))
                .hasMessageContaining("maxFrameSize");
        assertThatThrownBy(() -> MuxConfig.paqetDefaults().withBuffers(1024, 2048))
                .hasMessageContaining("streambuf 2048")
                .hasMessageContaining("smuxbuf 1024");
        assertThatThrownBy(() -> MuxConfig.paqetDefaults().withKeepAlive(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("keepAliveTimeout");
        assertThatThrownBy(() -> MuxConfig.paqetDefaults().withMaxStreams(0)).hasMessageContaining("maxStreams");
        MuxConfig k = MuxConfig.kcptunDefaults(1);
        assertThat(k.maxReceiveBuffer()).isEqualTo(4 * 1024 * 1024);
        assertThat(k.maxStreamBuffer()).isEqualTo(2 * 1024 * 1024);
        assertThat(k.keepAliveInterval()).isEqualTo(Duration.ofSeconds(10));
        MuxConfig q = MuxConfig.paqetDefaults();
        assertThat(q.version()).isEqualTo(2);
        assertThat(q.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(q.maxFrameSize()).isEqualTo(65535);
    }

    static void awaitTrue(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
