package org.paqet4j.tunnel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.testing.EchoServers;
import org.paqet4j.tunnel.testing.MemorySession;

class TunnelClientTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 9999);
    private static final short[] FLAGS = {TcpFlags.parse("PA")};

    private final Map<InetSocketAddress, short[]> flags = new ConcurrentHashMap<>();
    private final TunnelServer server =
            new TunnelServer(ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, flags::put);
    private final List<MemorySession> serverSides = new CopyOnWriteArrayList<>();
    private final AtomicInteger dials = new AtomicInteger();
    private volatile int failFirst;
    private TunnelClient client;

    private TunnelSession dial(int slot) throws IOException {
        if (dials.incrementAndGet() <= failFirst) {
            throw new IOException("server unreachable (attempt " + dials.get() + ")");
        }
        MemorySession[] pair = MemorySession.pair(new InetSocketAddress("198.18.0.2", 40000 + slot), SERVER);
        serverSides.add(pair[1]);
        server.serve(pair[1]);
        return pair[0];
    }

    private static ClientOptions options(int connections, Duration initial, Duration max) {
        return new ClientOptions(
                connections, FLAGS, initial, max, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void connectsEverySlotSendsFlagsAndOpensStreamsRoundRobin() throws Exception {
        client = new TunnelClient(options(3, Duration.ofMillis(50), Duration.ofMillis(200)), this::dial);
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((client.liveConnections() < 3 || flags.size() < 3) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(client.liveConnections()).isEqualTo(3);
        assertThat(flags.values()).allSatisfy(m -> assertThat(m).containsExactly(FLAGS));
        try (EchoServers echo = new EchoServers()) {
            for (int i = 0; i < 6; i++) {
                try (TunnelStream stream = client.openTcp(new Target("127.0.0.1", echo.tcpPort()))) {
                    stream.outputStream().write(i);
                    assertThat(stream.inputStream().read()).isEqualTo(i);
                }
            }
        }
        // Round-robin: every session carried streams (TCPF + PING + user streams).
        assertThat(serverSides).allSatisfy(s -> assertThat(s.streamCount()).isGreaterThanOrEqualTo(3));
        assertThat(client.ping()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void redialsWithBackoffAfterFailuresAndAfterALostSession() throws Exception {
        failFirst = 3;
        client = new TunnelClient(options(1, Duration.ofMillis(20), Duration.ofMillis(100)), this::dial);
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        assertThat(dials.get()).isEqualTo(4);

        serverSides.getFirst().close();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (dials.get() < 5 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        assertThat(dials.get()).isEqualTo(5);
    }

    @Test
    void keepsRedialingWhenDialingFailsWithAnUncheckedException() throws Exception {
        client = new TunnelClient(options(1, Duration.ofMillis(20), Duration.ofMillis(100)), slot -> {
            if (dials.incrementAndGet() == 1) {
                // What a carrier's native setup may throw (FFM, a bad interface): not an IOException.
                throw new IllegalStateException("carrier setup failed");
            }
            MemorySession[] pair = MemorySession.pair(new InetSocketAddress("198.18.0.2", 40000 + slot), SERVER);
            server.serve(pair[1]);
            return pair[0];
        });
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        assertThat(dials.get()).isEqualTo(2);
    }

    @Test
    void openWaitsForTheFirstLiveSessionInsteadOfFailing() throws Exception {
        failFirst = 2;
        client = new TunnelClient(options(1, Duration.ofMillis(200), Duration.ofMillis(200)), this::dial);
        client.start();
        try (EchoServers echo = new EchoServers();
                TunnelStream stream = client.openTcp(new Target("127.0.0.1", echo.tcpPort()))) {
            stream.outputStream().write(7);
            assertThat(stream.inputStream().read()).isEqualTo(7);
        }
        assertThat(dials.get()).isEqualTo(3);
    }

    @Test
    void openFailsAfterItsTimeoutWhenNoSessionComesUp() {
        failFirst = Integer.MAX_VALUE;
        client = new TunnelClient(
                new ClientOptions(
                        1,
                        FLAGS,
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(300)),
                this::dial);
        client.start();
        assertThatThrownBy(() -> client.openTcp(new Target("example.com", 80)))
                .isInstanceOf(TunnelUnavailableException.class)
                .hasMessageContaining("no live connection to the server within PT0.3S");
    }

    @Test
    void closeCutsALongBackoffShortAndReleasesWaiters() throws Exception {
        failFirst = Integer.MAX_VALUE;
        client = new TunnelClient(options(2, Duration.ofSeconds(60), Duration.ofSeconds(60)), this::dial);
        client.start();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (dials.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Thread waiter = Thread.ofVirtual().start(() -> {
            assertThatThrownBy(() -> client.openTcp(new Target("example.com", 80)))
                    .isInstanceOf(TunnelUnavailableException.class)
                    .hasMessage("tunnel client is closed");
        });
        Thread.sleep(100);
        long start = System.nanoTime();
        client.close();
        waiter.join(Duration.ofSeconds(2));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(dials.get()).isEqualTo(2);
    }

    @Test
    void closeCutsASessionSetUpShortWhenTheServerDoesNotAnswer() throws Exception {
        List<MemorySession> unanswered = new CopyOnWriteArrayList<>();
        client = new TunnelClient(
                new ClientOptions(
                        1,
                        FLAGS,
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5)),
                slot -> {
                    // A server that accepts nothing: the first PING would wait its full 30 s.
                    MemorySession[] pair = MemorySession.pair(new InetSocketAddress("198.18.0.2", 40000), SERVER);
                    unanswered.add(pair[1]);
                    return pair[0];
                });
        client.start();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (unanswered.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        long start = System.nanoTime();
        client.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(unanswered).allSatisfy(s -> assertThat(s.isClosed()).isTrue());
    }

    /**
     * A server whose upload towards it is saturated: the setup PING is answered at once, every later
     * PONG only after {@code pongDelay} (it queued behind a full KCP send window), while its keepalive
     * marks the client side as hearing from it every 50 ms as long as {@code talking} is set.
     */
    private TunnelSession slowPongServer(int slot, Duration pongDelay, AtomicBoolean talking, AtomicInteger latePongs) {
        dials.incrementAndGet();
        MemorySession[] pair = MemorySession.pair(new InetSocketAddress("198.18.0.2", 40000 + slot), SERVER);
        serverSides.add(pair[1]);
        Thread.ofVirtual().start(() -> {
            while (!pair[1].isClosed()) {
                if (talking.get()) {
                    pair[0].heardFromPeer();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.ofVirtual().start(() -> {
            int pings = 0;
            try {
                while (true) {
                    TunnelStream stream = pair[1].acceptStream();
                    var header = StreamHeaderReader.read(stream.inputStream());
                    if (!(header instanceof StreamHeader.Ping)) {
                        continue;
                    }
                    boolean late = pings++ > 0;
                    Thread.ofVirtual().start(() -> {
                        try {
                            if (late) {
                                Thread.sleep(pongDelay);
                                if (!talking.get()) {
                                    return;
                                }
                            }
                            StreamHeaderWriter.write(new StreamHeader.Pong(), stream.outputStream());
                            if (late) {
                                latePongs.incrementAndGet();
                            }
                        } catch (IOException | InterruptedException e) {
                            // the client gave up on this PING
                        }
                    });
                }
            } catch (IOException e) {
                // session closed
            }
        });
        return pair[0];
    }

    private static ClientOptions healthOptions() {
        // Health check every 100 ms, PONG expected within 300 ms.
        return new ClientOptions(
                1,
                FLAGS,
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(100),
                Duration.ofMillis(300),
                Duration.ofSeconds(5));
    }

    @Test
    void aLatePongKeepsTheSessionWhileThePeerKeepsSending() throws Exception {
        var talking = new AtomicBoolean(true);
        AtomicInteger latePongs = new AtomicInteger();
        client = new TunnelClient(
                healthOptions(), slot -> slowPongServer(slot, Duration.ofMillis(900), talking, latePongs));
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (latePongs.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        // PONGs three times the timeout late, yet the peer never fell silent: the session stays.
        assertThat(latePongs.get()).isGreaterThanOrEqualTo(2);
        assertThat(dials.get()).isEqualTo(1);
        assertThat(serverSides.getFirst().isClosed()).isFalse();
        assertThat(client.liveConnections()).isEqualTo(1);
    }

    @Test
    void aPauseOfOurOwnThatMakesALivePeerLookSilentDoesNotCloseTheSession() throws Exception {
        var talking = new AtomicBoolean(true);
        AtomicInteger latePongs = new AtomicInteger();
        List<FrozenOnce> sessions = new CopyOnWriteArrayList<>();
        client = new TunnelClient(healthOptions(), slot -> {
            FrozenOnce s = new FrozenOnce(slowPongServer(slot, Duration.ofMillis(900), talking, latePongs));
            sessions.add(s);
            return s;
        });
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        FrozenOnce session = sessions.getFirst();
        // Three times, the next health check that looks sees 10 s of silence, as after a long GC pause
        // or a stolen CPU; the peer kept talking all along, so the second look sees it.
        for (int i = 0; i < 3; i++) {
            int pongsBefore = latePongs.get();
            session.freezeNextLook();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (session.frozenLookPending() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(session.frozenLookPending()).as("a health check looked").isFalse();
            // The next freeze only after that check got its (late) PONG: two in a row would be one long pause.
            while (latePongs.get() == pongsBefore && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(latePongs.get()).as("PONGs after freeze %d", i).isGreaterThan(pongsBefore);
        }
        Thread.sleep(500);
        assertThat(session.isClosed()).isFalse();
        assertThat(dials.get()).isEqualTo(1);
        assertThat(client.liveConnections()).isEqualTo(1);
    }

    /** A session whose next {@link #peerSilence()} reports 10 s once, as if our own process had been frozen. */
    private static final class FrozenOnce implements TunnelSession {
        private final TunnelSession inner;
        private final AtomicBoolean frozen = new AtomicBoolean();

        FrozenOnce(TunnelSession inner) {
            this.inner = inner;
        }

        void freezeNextLook() {
            frozen.set(true);
        }

        boolean frozenLookPending() {
            return frozen.get();
        }

        @Override
        public Duration peerSilence() {
            return frozen.compareAndSet(true, false) ? Duration.ofSeconds(10) : inner.peerSilence();
        }

        @Override
        public TunnelStream openStream() throws IOException {
            return inner.openStream();
        }

        @Override
        public TunnelStream acceptStream() throws IOException {
            return inner.acceptStream();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return inner.remoteAddress();
        }

        @Override
        public int streamCount() {
            return inner.streamCount();
        }

        @Override
        public boolean isClosed() {
            return inner.isClosed();
        }

        @Override
        public void onClose(Runnable action) {
            inner.onClose(action);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aPeerSilentForThePingTimeoutIsClosedAndRedialed() throws Exception {
        var talking = new AtomicBoolean(true);
        AtomicInteger latePongs = new AtomicInteger();
        client = new TunnelClient(
                healthOptions(), slot -> slowPongServer(slot, Duration.ofMillis(900), talking, latePongs));
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        MemorySession first = serverSides.getFirst();
        talking.set(false);
        long silentSince = System.nanoTime();
        long end = silentSince + Duration.ofSeconds(5).toNanos();
        while (!first.isClosed() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(first.isClosed()).isTrue();
        // Noticed within health interval + ping timeout (400 ms), with scheduling slack.
        assertThat(Duration.ofNanos(System.nanoTime() - silentSince)).isLessThan(Duration.ofSeconds(2));
        assertThat(latePongs.get()).isZero();
        end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (dials.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(dials.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aSessionWithNoRoomForThePingIsJudgedBySilenceOnly() throws Exception {
        var talking = new AtomicBoolean(true);
        AtomicInteger latePongs = new AtomicInteger();
        List<TunnelSession> clientSides = new CopyOnWriteArrayList<>();
        client = new TunnelClient(healthOptions(), slot -> {
            TunnelSession s = slowPongServer(slot, Duration.ZERO, talking, latePongs);
            clientSides.add(s);
            return s;
        });
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        MemorySession session = (MemorySession) clientSides.getFirst();
        session.full = true;
        // Ten health intervals at the stream limit while the peer keeps talking: the session stays.
        Thread.sleep(1_000);
        assertThat(session.isClosed()).isFalse();
        assertThat(dials.get()).isEqualTo(1);
        assertThatThrownBy(() -> client.openTcp(new Target("example.com", 80))).hasMessageContaining("maxStreams");
        assertThat(session.isClosed())
                .as("a refused new stream leaves the session")
                .isFalse();
        // Silence is still noticed without a PING.
        talking.set(false);
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!session.isClosed() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(session.isClosed()).isTrue();
    }

    @Test
    void backoffGrowsToItsCapWithJitter() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(800), new Random(7));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            delays.add(backoff.next().toMillis());
        }
        assertThat(delays.get(0)).isBetween(75L, 125L);
        assertThat(delays.get(1)).isBetween(150L, 250L);
        assertThat(delays.get(2)).isBetween(300L, 500L);
        assertThat(delays.subList(3, 6)).allSatisfy(d -> assertThat(d).isBetween(600L, 1000L));
        assertThat(backoff.afterLoss().toMillis()).isBetween(0L, 100L);
    }
}
