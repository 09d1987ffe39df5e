package org.paqet4j.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;
import org.paqet4j.packet.testing.NetnsTest;

/** UDP, TCP and the raw carrier between two namespaces through the bridge in a third. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class ImpairedBridgeTest {

    private static final int PORT = 5000;
    private static LabTopology lab;

    @BeforeAll
    static void createLab() throws Exception {
        lab = LabTopology.builder(LabTopology.uniquePrefix("lab")).seed(42).start();
    }

    @AfterAll
    static void deleteLab() {
        if (lab != null) {
            lab.close();
        }
    }

    /** What host b saw of a numbered stream from a. */
    record Arrivals(int received, int distinct, int duplicates, int outOfOrder, long spanNanos) {}

    /** Sends {@code count} datagrams numbered 0.. from a to b, {@code gapMicros} apart, and tallies b's view. */
    private static Arrivals stream(int count, int size, long gapMicros) throws Exception {
        DatagramChannel receiver = lab.inB(() -> {
            DatagramChannel channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            channel.bind(new InetSocketAddress(lab.b().ipv4(), PORT));
            return channel;
        });
        DatagramChannel sender = lab.inA(
                () -> DatagramChannel.open().bind(new InetSocketAddress(lab.a().ipv4(), 0)));
        try (receiver;
                sender) {
            CompletableFuture<Arrivals> tally = CompletableFuture.supplyAsync(() -> tally(receiver, count));
            ByteBuffer packet = ByteBuffer.allocate(size);
            InetSocketAddress target = new InetSocketAddress(lab.b().ipv4(), PORT);
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                packet.clear();
                packet.putInt(0, i);
                sender.send(packet, target);
                next += gapMicros * 1000;
                while (System.nanoTime() < next) {
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            }
            packet.clear();
            packet.putInt(0, -1); // end marker, repeated: it may be lost too
            for (int i = 0; i < 20; i++) {
                Thread.sleep(20);
                sender.send(packet.clear(), target);
            }
            return tally.get(30, TimeUnit.SECONDS);
        }
    }

    private static Arrivals tally(DatagramChannel receiver, int count) {
        BitSet seen = new BitSet(count);
        int received = 0;
        int duplicates = 0;
        int outOfOrder = 0;
        int highest = -1;
        long first = 0;
        long last = 0;
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (true) {
                buffer.clear();
                receiver.receive(buffer);
                int sequence = buffer.getInt(0);
                if (sequence < 0) {
                    return new Arrivals(received, seen.cardinality(), duplicates, outOfOrder, last - first);
                }
                last = System.nanoTime();
                if (received++ == 0) {
                    first = last;
                }
                if (seen.get(sequence)) {
                    duplicates++;
                } else if (sequence < highest) {
                    outOfOrder++;
                }
                seen.set(sequence);
                highest = Math.max(highest, sequence);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void unimpairedTrafficArrivesComplete() throws Exception {
        lab.impair(Impairment.NONE, Impairment.NONE);
        Arrivals arrivals = stream(5000, 1000, 20);
        assertThat(arrivals.received()).as("%s", lab.bridge().aToB()).isEqualTo(5000);
        assertThat(arrivals.duplicates()).isZero();
        assertThat(arrivals.outOfOrder()).isZero();
        DirectionCounters counters = lab.bridge().aToB();
        assertThat(counters.forwarded()).isGreaterThanOrEqualTo(5000);
        assertThat(counters.dropped() + counters.overflowed() + counters.refused() + counters.oversized())
                .as("%s", counters)
                .isZero();
    }

    @Test
    void lossOfTwentyPercentIsMeasuredAsTwentyPercent() throws Exception {
        lab.impair(Impairment.parse("loss 20%"), Impairment.NONE);
        Arrivals arrivals = stream(5000, 200, 20);
        double loss = 1 - arrivals.distinct() / 5000.0;
        assertThat(loss).isBetween(0.17, 0.23);
        DirectionCounters counters = lab.bridge().aToB();
        assertThat((double) counters.dropped() / counters.received()).isBetween(0.17, 0.23);
        assertThat(counters.forwarded() + counters.dropped()).isEqualTo(counters.received());
    }

    @Test
    void delayOfFiftyMillisecondsEachWayGivesARoundTripOfAtLeastOneHundred() throws Exception {
        lab.impair(Impairment.parse("delay 50ms"), Impairment.parse("delay 50ms"));
        DatagramChannel echo = lab.inB(
                () -> DatagramChannel.open().bind(new InetSocketAddress(lab.b().ipv4(), PORT)));
        DatagramChannel client = lab.inA(
                () -> DatagramChannel.open().bind(new InetSocketAddress(lab.a().ipv4(), 0)));
        try (echo;
                client) {
            CompletableFuture<Void> echoing = CompletableFuture.runAsync(() -> {
                ByteBuffer buffer = ByteBuffer.allocate(64);
                try {
                    for (int i = 0; i < 5; i++) {
                        buffer.clear();
                        var from = echo.receive(buffer);
                        echo.send(buffer.flip(), from);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<Long> rtts = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate(64);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                client.send(
                        ByteBuffer.wrap(new byte[] {(byte) i}),
                        new InetSocketAddress(lab.b().ipv4(), PORT));
                buffer.clear();
                client.receive(buffer);
                rtts.add((System.nanoTime() - start) / 1_000_000);
            }
            echoing.get(10, TimeUnit.SECONDS);
            assertThat(rtts).allSatisfy(rtt -> assertThat(rtt).isBetween(100L, 1000L));
        }
        assertThat(lab.bridge().aToB().delayed()).isGreaterThanOrEqualTo(5);
        assertThat(lab.bridge().bToA().delayed()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void reorderHoldsFramesBackBehindTheNextOne() throws Exception {
        lab.impair(Impairment.parse("reorder 25%"), Impairment.NONE);
        Arrivals arrivals = stream(2000, 200, 100);
        DirectionCounters counters = lab.bridge().aToB();
        assertThat(counters.reordered()).isGreaterThan(300);
        assertThat(arrivals.outOfOrder()).isGreaterThan(300);
        assertThat(arrivals.distinct()).isEqualTo(2000);
    }

    @Test
    void jitterLargerThanTheGapReorders() throws Exception {
        lab.impair(Impairment.parse("delay 10ms 5ms"), Impairment.NONE);
        Arrivals arrivals = stream(1000, 200, 200);
        assertThat(arrivals.outOfOrder()).isGreaterThan(100);
        assertThat(arrivals.distinct()).isEqualTo(1000);
        assertThat(lab.bridge().aToB().delayed()).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void rateLimitSpacesFramesOut() throws Exception {
        lab.impair(Impairment.parse("rate 10mbit"), Impairment.NONE);
        // 800 frames of 1278 bytes (1250 UDP payload + headers) are 8.2 Mbit: at least 0.8 s at 10 Mbit/s
        Arrivals arrivals = stream(800, 1250, 20);
        assertThat(arrivals.distinct()).isEqualTo(800);
        assertThat(arrivals.spanNanos()).isGreaterThan(750_000_000L);
        assertThat(lab.bridge().aToB().overflowed()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsTheOverflow() throws Exception {
        lab.impair(Impairment.parse("rate 1mbit limit 20"), Impairment.NONE);
        Arrivals arrivals = stream(300, 1000, 0);
        DirectionCounters counters = lab.bridge().aToB();
        assertThat(counters.overflowed()).isGreaterThan(200);
        assertThat(arrivals.distinct()).isLessThan(100).isGreaterThanOrEqualTo(20);
    }

    @Test
    void duplicatesAreCountedAndSeen() throws Exception {
        lab.impair(Impairment.parse("duplicate 10%"), Impairment.NONE);
        Arrivals arrivals = stream(3000, 200, 20);
        DirectionCounters counters = lab.bridge().aToB();
        assertThat(arrivals.distinct()).isEqualTo(3000);
        assertThat(arrivals.duplicates()).isBetween(200, 400);
        assertThat(counters.duplicated()).isGreaterThanOrEqualTo(arrivals.duplicates());
        assertThat(counters.forwarded()).isEqualTo(counters.received() + counters.duplicated());
    }

    @Test
    void tcpTransferSurvivesLossAndDelay() throws Exception {
        lab.impair(Impairment.parse("loss 2% delay 5ms"), Impairment.parse("loss 2% delay 5ms"));
        byte[] data = new byte[4 << 20];
        new Random(7).nextBytes(data);
        ServerSocket server = lab.inB(() -> new ServerSocket(PORT, 1, lab.b().ipv4()));
        try (server) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = server.accept();
                        InputStream in = socket.getInputStream()) {
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                    return HexFormat.of().formatHex(sha.digest());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Socket client = lab.inA(() -> new Socket(lab.b().ipv4(), PORT));
            try (client;
                    OutputStream out = client.getOutputStream()) {
                out.write(data);
            }
            String expected = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(received.get(90, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        assertThat(lab.bridge().aToB().dropped()).isPositive();
    }

    @Test
    void rawCarrierDatagramsCrossBothWays() throws Exception {
        lab.impair(Impairment.parse("delay 1ms"), Impairment.NONE);
        LabTopology.Host a = lab.a();
        LabTopology.Host b = lab.b();
        RawTcpCarrier carrierA = lab.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), 41_001)
                .ipv4(a.ipv4(), b.mac())
                .build()));
        RawTcpCarrier carrierB = lab.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), 41_002)
                .ipv4(b.ipv4(), a.mac())
                .build()));
        try (carrierA;
                carrierB) {
            InetSocketAddress toB = new InetSocketAddress(b.ipv4(), 41_002);
            InetSocketAddress toA = new InetSocketAddress(a.ipv4(), 41_001);
            for (int i = 0; i < 10; i++) {
                carrierA.send(ByteBuffer.wrap(("a" + i).getBytes()), toB);
                ByteBuffer got = ByteBuffer.allocate(2048);
                assertThat(carrierB.receive(got)).isEqualTo(toA);
                assertThat(new String(got.array(), 0, got.flip().remaining())).isEqualTo("a" + i);
                carrierB.send(ByteBuffer.wrap(("b" + i).getBytes()), toA);
                got.clear();
                assertThat(carrierA.receive(got)).isEqualTo(toB);
                assertThat(new String(got.array(), 0, got.flip().remaining())).isEqualTo("b" + i);
            }
        }
        assertThat(lab.bridge().aToB().delayed()).isGreaterThanOrEqualTo(10);
    }
}
