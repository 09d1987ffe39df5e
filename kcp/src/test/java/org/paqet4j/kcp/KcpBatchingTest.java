package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Datagrams cross the KCP ↔ carrier boundary in batches: a flush sends through {@code sendBatch}, and
 * the datagrams a receive batch holds are all input before each session they fed flushes once.
 */
@Timeout(60)
class KcpBatchingTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);
    private static final int CONV = 0x1234_5678;

    private KcpEventLoop loop;
    private BundleCarrier carrier;

    @BeforeEach
    void start() {
        loop = KcpEventLoop.start("kcp-batch-test");
        carrier = new BundleCarrier(SERVER);
    }

    @AfterEach
    void stop() {
        loop.close();
        carrier.close();
    }

    private KcpSession dial(KcpConfig config) throws Exception {
        return KcpDialer.dial(loop, carrier, SERVER, config, new PassThroughCodec(), CONV);
    }

    @Test
    void aFlushOfNDatagramsMakesOneSendBatchCallPerBatchOfThem() throws Exception {
        KcpConfig config = KcpConfig.of(KcpMode.FAST).withWindows(4096, 4096);
        KcpSession session = dial(config);
        int datagrams = 3 * OutputBatch.CAPACITY + 8;
        // Full segments: each becomes one datagram of mtu bytes.
        session.outputStream().write(new byte[datagrams * (config.mtu() - Kcp.OVERHEAD)]);

        assertThat(carrier.awaitSent(datagrams)).as("the window was sent").isTrue();

        List<BundleCarrier.Call> calls = carrier.calls();
        assertThat(calls.subList(0, 4))
                .extracting(call -> call.datagrams().size())
                .containsExactly(OutputBatch.CAPACITY, OutputBatch.CAPACITY, OutputBatch.CAPACITY, 8);
        assertThat(carrier.singleSends()).as("datagrams sent one at a time").isZero();
        for (BundleCarrier.Call call : calls.subList(0, 4)) {
            assertThat(call.peer()).isEqualTo(SERVER);
            assertThat(call.datagrams()).allSatisfy(d -> assertThat(d).hasSize(config.mtu()));
        }
        // The segments left in order, sn 0 .. datagrams-1, with nothing lost or repeated.
        int expected = 0;
        for (BundleCarrier.Call call : calls.subList(0, 4)) {
            for (byte[] d : call.datagrams()) {
                assertThat(d[4]).as("command").isEqualTo((byte) Kcp.CMD_PUSH);
                assertThat(Bytes.int32(d, 12)).as("sn").isEqualTo(expected++);
            }
        }
    }

    /** {@code count} full data segments of conv {@code conv}, sn 0 upwards, as a peer's flush puts them on the wire. */
    private static List<byte[]> pushDatagrams(int conv, KcpConfig config, int count) {
        List<byte[]> wire = new ArrayList<>();
        int mtu = config.mtu();
        Kcp peer = new Kcp(conv, config, mtu, new byte[mtu], 0, (buf, off, len) -> {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            wire.add(copy);
        });
        assertThat(peer.send(new byte[count * peer.mss], 0, count * peer.mss)).isZero();
        peer.flush(0, false);
        assertThat(wire).hasSize(count);
        return wire;
    }

    /** The segments of one wire datagram (pass-through codec) as {cmd, sn, una} triples. */
    private static List<int[]> segments(byte[] datagram) {
        List<int[]> result = new ArrayList<>();
        for (int p = 0; p + Kcp.OVERHEAD <= datagram.length; p += Kcp.OVERHEAD + Bytes.int32(datagram, p + 20)) {
            result.add(new int[] {datagram[p + 4], Bytes.int32(datagram, p + 12), Bytes.int32(datagram, p + 16)});
        }
        return result;
    }

    @Test
    void datagramsWaitingTogetherAreAnsweredByOneFlush() throws Exception {
        KcpConfig config = KcpConfig.of(KcpMode.FAST3); // ACK-no-delay: each input alone would flush its ACK
        KcpSession session = dial(config);
        int waiting = 32;
        List<byte[]> data = pushDatagrams(CONV, config, waiting + 1);

        carrier.arrive(data.subList(0, waiting));
        carrier.arrive(data.subList(waiting, waiting + 1)); // arrives after the batch: answered on its own
        assertThat(carrier.awaitSent(2)).as("both batches answered").isTrue();

        List<BundleCarrier.Call> calls = carrier.calls();
        assertThat(calls).as("one sendBatch call per receive batch").hasSize(2);
        assertThat(calls.get(0).datagrams()).as("the first batch's answer").hasSize(1);
        // One ACK: the una in its header covers every segment of the batch (sn 0..31).
        assertThat(segments(calls.get(0).datagrams().getFirst()))
                .singleElement()
                .satisfies(ack -> assertThat(ack).containsExactly(Kcp.CMD_ACK, waiting - 1, waiting));
        assertThat(segments(calls.get(1).datagrams().getFirst()))
                .singleElement()
                .satisfies(ack -> assertThat(ack).containsExactly(Kcp.CMD_ACK, waiting, waiting + 1));
        assertThat(session.stats().segmentsReceived()).isEqualTo(waiting + 1);
    }

    @Test
    void datagramsArrivingOneByOneAreEachAnswered() throws Exception {
        KcpConfig config = KcpConfig.of(KcpMode.FAST3);
        dial(config);
        int count = 8;
        List<byte[]> data = pushDatagrams(CONV, config, count);
        for (byte[] d : data) {
            carrier.arrive(List.of(d));
        }
        assertThat(carrier.awaitSent(count)).isTrue();
        assertThat(carrier.calls()).hasSize(count);
    }

    @Test
    void aReceiveBatchFlushesEachSessionItFedOnce() throws Exception {
        KcpConfig config = KcpConfig.of(KcpMode.FAST3);
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5001);
        InetSocketAddress b = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5002);
        int each = 16;
        List<byte[]> fromA = pushDatagrams(101, config, each);
        List<byte[]> fromB = pushDatagrams(202, config, each);
        List<BundleCarrier.Arrival> interleaved = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            interleaved.add(new BundleCarrier.Arrival(a, fromA.get(i)));
            interleaved.add(new BundleCarrier.Arrival(b, fromB.get(i)));
        }
        try (KcpListener listener =
                KcpListener.listen(loop, carrier, config, PassThroughCodec::new, 16, Duration.ofMinutes(1))) {
            carrier.arriveFrom(interleaved);
            assertThat(carrier.awaitSent(2)).isTrue();
            KcpSession first = listener.accept();
            KcpSession second = listener.accept();
            assertThat(List.of(first.remoteAddress(), second.remoteAddress())).containsExactly(a, b);

            List<BundleCarrier.Call> calls = carrier.calls();
            assertThat(calls).extracting(BundleCarrier.Call::peer).containsExactly(a, b);
            for (BundleCarrier.Call call : calls) {
                assertThat(call.datagrams()).hasSize(1);
                assertThat(segments(call.datagrams().getFirst()))
                        .singleElement()
                        .satisfies(ack -> assertThat(ack).containsExactly(Kcp.CMD_ACK, each - 1, each));
            }
            assertThat(first.stats().segmentsReceived()).isEqualTo(each);
            assertThat(second.stats().segmentsReceived()).isEqualTo(each);
        }
    }

    @Test
    void theLastBatchOfAFlushIsSentWithoutTheSessionLock() throws Exception {
        KcpSession session = dial(KcpConfig.of(KcpMode.FAST));
        carrier.holdSends();
        session.outputStream().write(new byte[10_000]); // fewer datagrams than a batch: all in the last one
        assertThat(carrier.awaitHeldSend()).as("the timer thread is sending").isTrue();

        // While the timer thread sits in the carrier, the session lock is free: stats() takes it.
        CompletableFuture<KcpSessionStats> stats = CompletableFuture.supplyAsync(session::stats);
        try {
            assertThat(stats.get(30, TimeUnit.SECONDS).segmentsSent()).isPositive();
        } finally {
            carrier.releaseSends();
        }
        assertThat(carrier.awaitSent(1)).isTrue();
    }
}
