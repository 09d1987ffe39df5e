package org.paqet4j.tunnel.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.UdpCarrier;

class GuardedCarrierTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private GuardKey key(String secret) {
        return new GuardKey(GuardKey.deriveKey(secret), Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);
    }

    /** What a capture on the path sees: the guarded bytes the client put on the wire. */
    private static byte[] capture(DatagramChannel tap) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2048);
        tap.receive(b);
        b.flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static String receiveText(GuardedCarrier carrier) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(1500);
        carrier.receive(dst);
        dst.flip();
        return StandardCharsets.US_ASCII.decode(dst).toString();
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void guardedPeersExchangeDatagramsAndDropEverythingElseBeforeDecoding() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("s3cret"));
                GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("s3cret"));
                GuardedCarrier stranger = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("other"));
                DatagramChannel raw = DatagramChannel.open()) {
            InetSocketAddress to = server.localAddress();
            raw.send(text("no magic at all, long enough to be a header"), to);
            raw.send(ByteBuffer.wrap(new byte[] {0x50, 0x34, 0x6A, 0x32}), to);
            stranger.send(text("wrong key"), to);
            client.send(text("kcp datagram"), to);

            ByteBuffer dst = ByteBuffer.allocate(1500);
            InetSocketAddress from = server.receive(dst);
            dst.flip();
            assertThat(StandardCharsets.US_ASCII.decode(dst).toString()).isEqualTo("kcp datagram");
            assertThat(from.getPort()).isEqualTo(client.localAddress().getPort());
            assertThat(server.rejectedMagic()).isEqualTo(2);
            assertThat(server.rejectedTag()).isEqualTo(1);
        }
    }

    /** A delegate whose datagrams wait in a queue, as what is left of a recvmmsg batch does. */
    private static final class Queued implements PacketCarrier {
        final Deque<byte[]> waiting = new ArrayDeque<>();

        @Override
        public void send(ByteBuffer datagram, InetSocketAddress peer) {
            byte[] copy = new byte[datagram.remaining()];
            datagram.get(copy);
            waiting.add(copy);
        }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) throws IOException {
            InetSocketAddress from = receiveNow(dst);
            if (from == null) {
                throw new IOException("the test expected a datagram to be waiting");
            }
            return from;
        }

        @Override
        public InetSocketAddress receiveNow(ByteBuffer dst) {
            byte[] next = waiting.poll();
            if (next == null) {
                return null;
            }
            dst.put(next);
            return localAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        }

        @Override
        public CarrierCounters counters() {
            return new CarrierCounters.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        }

        @Override
        public void close() {}
    }

    @Test
    void receiveNowPassesOnlyWhatIsWaitingAndGenuine() throws IOException {
        Queued wire = new Queued();
        GuardedCarrier client = new GuardedCarrier(wire, key("k"));
        GuardedCarrier server = new GuardedCarrier(wire, key("k"));
        client.send(text("one"), wire.localAddress());
        wire.waiting.add("forged datagram without the guard's magic".getBytes(StandardCharsets.US_ASCII));
        client.send(text("two"), wire.localAddress());

        List<String> received = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocate(1500);
        while (server.receiveNow(dst.clear()) != null) {
            received.add(StandardCharsets.US_ASCII.decode(dst.flip()).toString());
        }
        assertThat(received).containsExactly("one", "two");
        assertThat(server.rejectedMagic()).isEqualTo(1);
        assertThat(server.receiveNow(dst.clear())).as("nothing left waiting").isNull();
    }

    @Test
    void batchesAreSealedDatagramByDatagram() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"));
                GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"))) {
            ByteBuffer[] batch = new ByteBuffer[5];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = ByteBuffer.wrap(new byte[100 * i + 1]);
                batch[i].put(0, (byte) i);
            }
            client.sendBatch(batch, 1, 3, server.localAddress());
            for (int i = 1; i <= 3; i++) {
                ByteBuffer dst = ByteBuffer.allocate(1500);
                server.receive(dst);
                dst.flip();
                assertThat(dst.remaining()).isEqualTo(100 * i + 1);
                assertThat(dst.get(0)).isEqualTo((byte) i);
            }
            assertThat(server.rejected()).isZero();
        }
    }

    /**
     * The attack: datagrams captured on the path are sent again, at once and from other source
     * ports. Each must be accepted exactly once, whatever address it comes from.
     */
    @Test
    void aCapturedDatagramIsAcceptedOnceFromAnySourcePort() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"));
                DatagramChannel tap = DatagramChannel.open().bind(LOOPBACK);
                GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"))) {
            List<byte[]> captured = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                client.send(text("request " + i), (InetSocketAddress) tap.getLocalAddress());
                captured.add(capture(tap));
            }
            List<DatagramChannel> attackers = new ArrayList<>();
            try {
                for (int port = 0; port < 5; port++) {
                    DatagramChannel attacker = DatagramChannel.open().bind(LOOPBACK);
                    attackers.add(attacker);
                    for (byte[] datagram : captured) {
                        attacker.send(ByteBuffer.wrap(datagram), server.localAddress());
                    }
                }
                // The genuine datagram after 15 replays: only now does the server accept something.
                client.send(text("fresh"), server.localAddress());
                assertThat(receiveText(server)).isEqualTo("request 0");
                assertThat(receiveText(server)).isEqualTo("request 1");
                assertThat(receiveText(server)).isEqualTo("request 2");
                assertThat(receiveText(server)).isEqualTo("fresh");
                assertThat(server.rejectedReplay()).isEqualTo(12);
            } finally {
                for (DatagramChannel a : attackers) {
                    a.close();
                }
            }
        }
    }

    /**
     * The attack: traffic captured while a previous server process ran on the port, replayed to
     * the restarted one, which has no replay windows yet.
     */
    @Test
    void aRestartedServerAcceptsNothingStampedBeforeItsStartPlusSkew() throws IOException {
        try (DatagramChannel tap = DatagramChannel.open().bind(LOOPBACK);
                DatagramChannel attacker = DatagramChannel.open().bind(LOOPBACK);
                GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"))) {
            client.send(text("accepted by the previous process"), (InetSocketAddress) tap.getLocalAddress());
            byte[] captured = capture(tap);
            clock.addAndGet(2_000);
            try (GuardedCarrier server = GuardedCarrier.listening(UdpCarrier.bind(LOOPBACK, 0), key("k"))) {
                attacker.send(ByteBuffer.wrap(captured), server.localAddress());
                client.send(text("too early to tell"), server.localAddress());
                clock.addAndGet(5_000);
                client.send(text("after the skew"), server.localAddress());
                assertThat(receiveText(server)).isEqualTo("after the skew");
                assertThat(server.rejectedBeforeStart()).isEqualTo(2);
                attacker.send(ByteBuffer.wrap(captured), server.localAddress());
                client.send(text("still fine"), server.localAddress());
                assertThat(receiveText(server)).isEqualTo("still fine");
                assertThat(server.rejectedBeforeStart()).isEqualTo(3);
            }
        }
    }

    @Test
    void aDatagramOlderThanWindowPlusSkewIsStaleAndAChangedTimeFailsTheTag() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"));
                DatagramChannel tap = DatagramChannel.open().bind(LOOPBACK);
                DatagramChannel attacker = DatagramChannel.open().bind(LOOPBACK);
                GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), key("k"))) {
            client.send(text("old"), (InetSocketAddress) tap.getLocalAddress());
            byte[] old = capture(tap);
            clock.addAndGet(36_000);
            attacker.send(ByteBuffer.wrap(old), server.localAddress());
            byte[] retimed = old.clone();
            GuardHeader.writeTime(retimed, clock.get() / 1000);
            attacker.send(ByteBuffer.wrap(retimed), server.localAddress());
            client.send(text("new"), server.localAddress());
            assertThat(receiveText(server)).isEqualTo("new");
            assertThat(server.rejectedStale()).isEqualTo(1);
            assertThat(server.rejectedTag()).isEqualTo(1);
        }
    }

    @Test
    void replayWindowAcceptsReorderingOnceAndRefusesWhatItCanNoLongerTell() {
        ReplayWindow window = new ReplayWindow(0);
        assertThat(window.accept(0, 0)).isFalse();
        assertThat(window.accept(5, 0)).isTrue();
        assertThat(window.accept(3, 0)).isTrue();
        assertThat(window.accept(3, 0)).isFalse();
        assertThat(window.accept(5, 0)).isFalse();
        assertThat(window.accept(4, 0)).isTrue();
        long far = 5 + ReplayWindow.SIZE;
        assertThat(window.accept(far, 0)).isTrue();
        assertThat(window.accept(5, 0))
                .as("as old as the window: indistinguishable from a replay")
                .isFalse();
        assertThat(window.accept(6, 0)).isTrue();
        assertThat(window.accept(6, 0)).isFalse();
        // A jump far ahead clears the bitmap; a counter that slot held before is new again.
        assertThat(window.accept(far + 3 * ReplayWindow.SIZE, 0)).isTrue();
        assertThat(window.accept(far + 3 * ReplayWindow.SIZE - 1, 0)).isTrue();
    }

    @Test
    void freshnessIsWindowPlusSkewBackAndSkewAhead() {
        GuardKey k = key("k");
        long now = clock.get();
        assertThat(k.fresh(now / 1000, now)).isTrue();
        assertThat(k.fresh((now - 35_000) / 1000, now)).isTrue();
        assertThat(k.fresh((now - 36_001) / 1000, now)).isFalse();
        assertThat(k.fresh((now + 5_000) / 1000, now)).isTrue();
        assertThat(k.fresh((now + 6_000) / 1000, now)).isFalse();
        // Whatever a forgotten sender had accepted is stale by the time it is forgotten.
        assertThat(k.fresh((now + 5_000) / 1000, now + k.rememberMillis())).isFalse();
    }
}
