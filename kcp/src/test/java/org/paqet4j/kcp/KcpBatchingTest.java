package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Datagrams cross the KCP ↔ carrier boundary in batches: a flush sends through {@code sendBatch}. */
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
}
