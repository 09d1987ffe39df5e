package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The KCP core on a virtual clock over a lossy, reordering, duplicating simulated network. */
class KcpSimulationTest {

    private static final int CHUNK = 64 * 1024;

    /** Moves {@code total} bytes from a to b; returns the virtual milliseconds it took. */
    private static long transfer(SimulatedLink link, byte[] payload, long limitMs) throws Exception {
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        sent.update(payload);
        byte[] readBuf = new byte[CHUNK];
        int written = 0;
        long readTotal = 0;
        long start = link.now;
        while (readTotal < payload.length) {
            if (written < payload.length) {
                written += link.a.write(payload, written, Math.min(CHUNK, payload.length - written));
            }
            int n;
            while ((n = link.b.read(readBuf, 0, readBuf.length)) > 0) {
                received.update(readBuf, 0, n);
                readTotal += n;
            }
            if (!link.step(start + limitMs) && link.now >= start + limitMs) {
                break;
            }
        }
        assertThat(readTotal).as("bytes delivered").isEqualTo(payload.length);
        assertThat(received.digest()).as("SHA-256 of delivered bytes").isEqualTo(sent.digest());
        return link.now - start;
    }

    private static byte[] payload(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @ParameterizedTest(name = "{0}% loss at 200 ms RTT")
    @ValueSource(ints = {10, 20, 30})
    void deliversEveryByteInOrderUnderLoss(int lossPercent) throws Exception {
        SimulatedLink link = new SimulatedLink(KcpConfig.defaults(), 42 + lossPercent);
        link.loss = lossPercent / 100.0;
        link.duplicate = 0.02;
        link.oneWayDelayMs = 95;
        link.jitterMs = 10; // reorders datagrams sent within 10 ms of each other

        transfer(link, payload(2 * 1024 * 1024, lossPercent), 600_000);

        Kcp sender = link.a.kcp;
        assertThat(link.dropped).isPositive();
        assertThat(link.duplicated).isPositive();
        assertThat(link.reordered).as("datagrams delivered out of order").isPositive();
        assertThat(sender.retransmitsRto + sender.retransmitsFast + sender.retransmitsEarly)
                .as("retransmissions")
                .isPositive();
        assertThat(link.b.kcp.duplicateSegments)
                .as("duplicates seen by the receiver")
                .isPositive();
        assertThat(sender.srtt()).as("smoothed RTT").isBetween(150, 400);
    }

    @Test
    void acksAreBatchedIntoDatagrams() throws Exception {
        SimulatedLink link = new SimulatedLink(KcpConfig.defaults(), 3);
        link.oneWayDelayMs = 20;

        transfer(link, payload(4 * 1024 * 1024, 4), 60_000);

        // In-order data: ACKs below rcv_nxt are covered by the una of the last one (kcp-go's
        // filter), and what remains shares datagrams; nothing like one ACK datagram per segment.
        assertThat(link.b.datagramsSent)
                .as("receiver datagrams for %d data datagrams", link.a.datagramsSent)
                .isPositive()
                .isLessThan(link.a.datagramsSent / 10);
    }

    @Test
    void congestionControlOnStillDeliversAndShrinksTheWindow() throws Exception {
        KcpConfig config = KcpConfig.builder()
                .nodelay(0)
                .intervalMs(30)
                .resend(2)
                .noCongestion(false)
                .build();
        SimulatedLink link = new SimulatedLink(config, 7);
        link.loss = 0.05;
        link.oneWayDelayMs = 50;
        link.jitterMs = 5;

        transfer(link, payload(1024 * 1024, 7), 600_000);

        assertThat(link.a.kcp.cwnd()).as("cwnd after losses").isLessThan(config.sndwnd());
    }

    @Test
    void fastRetransmitResendsALostSegmentBeforeItsRto() throws Exception {
        SimulatedLink link = new SimulatedLink(KcpConfig.defaults(), 1);
        // 120 ms RTT + 30 ms ACK delay stays under the initial 200 ms RTO.
        link.oneWayDelayMs = 60;
        boolean[] droppedOnce = {false};
        link.dropFilter = (from, datagram) -> {
            // Drop the first transmission of the datagram that starts with PUSH sn 3.
            if (from == link.a && !droppedOnce[0] && datagram[4] == Kcp.CMD_PUSH && Bytes.int32(datagram, 12) == 3) {
                droppedOnce[0] = true;
                return true;
            }
            return false;
        };

        long elapsed = transfer(link, payload(40 * 1300, 3), 60_000);

        Kcp sender = link.a.kcp;
        assertThat(droppedOnce[0]).isTrue();
        assertThat(sender.retransmitsFast).as("fast retransmits").isPositive();
        assertThat(sender.retransmitsRto).as("RTO retransmits").isZero();
        assertThat(elapsed)
                .as("virtual ms: one RTT for the burst plus one for the resend")
                .isLessThan(2 * 150 + 60);
    }

    @Test
    void windowProbingRecoversFromAZeroReceiveWindow() throws Exception {
        KcpConfig config = KcpConfig.defaults().withWindows(32, 32);
        SimulatedLink link = new SimulatedLink(config, 5);
        link.oneWayDelayMs = 20;
        byte[] data = payload(200 * 1300, 9);
        int written = 0;
        // The reader is stalled: write until the sender's queue is full and the link goes quiet.
        while (link.now < 5_000) {
            if (written < data.length) {
                written += link.a.write(data, written, Math.min(CHUNK, data.length - written));
            }
            link.step(5_000);
        }
        Kcp sender = link.a.kcp;
        Kcp receiver = link.b.kcp;
        assertThat(sender.remoteWindow())
                .as("advertised window of the stalled receiver")
                .isZero();
        assertThat(sender.windowProbesSent).as("WASK probes sent").isPositive();
        assertThat(receiver.windowProbesReceived).as("WASK probes received").isPositive();
        assertThat(receiver.receiveQueueSize()).isLessThanOrEqualTo(32);
        assertThat(receiver.receiveBufferSize()).isLessThanOrEqualTo(32);
        assertThat(sender.waitSnd()).as("sender holds at most its window").isLessThanOrEqualTo(32 + 1);

        // Reader resumes: everything arrives.
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[CHUNK];
        long total = 0;
        long deadline = link.now + 120_000;
        while (total < data.length && link.now < deadline) {
            if (written < data.length) {
                written += link.a.write(data, written, Math.min(CHUNK, data.length - written));
            }
            int n;
            while ((n = link.b.read(buf, 0, buf.length)) > 0) {
                received.update(buf, 0, n);
                total += n;
            }
            link.step(deadline);
        }
        assertThat(total).isEqualTo(data.length);
        assertThat(received.digest())
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(sender.remoteWindow()).isPositive();
    }

    @Test
    void deadLinkIsDetectedAfterTheConfiguredRetransmissions() {
        KcpConfig config = KcpConfig.defaults().withDeadLinkRetransmits(8);
        SimulatedLink link = new SimulatedLink(config, 11);
        link.oneWayDelayMs = 30;
        byte[] data = payload(10_000, 1);
        link.a.write(data, 0, data.length);
        while (link.step(link.now + 1000) && link.b.kcp.readable() < data.length) {
            // deliver the first batch
        }
        link.loss = 1.0; // the peer vanishes
        link.a.write(data, 0, 1000);
        long deadline = link.now + 600_000;
        while (!link.a.kcp.isDead() && link.now < deadline) {
            link.step(deadline);
        }
        assertThat(link.a.kcp.isDead()).as("dead link detected").isTrue();
        assertThat(link.a.kcp.retransmitsRto)
                .as("RTO retransmits before giving up")
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void messageModeKeepsBoundariesAcrossFragments() {
        KcpConfig config = KcpConfig.builder().streamMode(false).build();
        SimulatedLink link = new SimulatedLink(config, 13);
        link.oneWayDelayMs = 10;
        link.jitterMs = 5;
        link.loss = 0.1;
        Random random = new Random(3);
        byte[][] messages = new byte[30][];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = payload(1 + random.nextInt(5 * 1326), i);
            assertThat(link.a.kcp.send(messages[i], 0, messages[i].length)).isZero();
        }
        link.a.flush();
        byte[] buf = new byte[8 * 1326];
        int received = 0;
        while (received < messages.length && link.step(link.now + 60_000)) {
            int n;
            while ((n = link.b.kcp.recv(buf, 0, buf.length)) >= 0) {
                assertThat(Arrays.copyOf(buf, n)).as("message %d", received).isEqualTo(messages[received]);
                received++;
            }
        }
        assertThat(received).isEqualTo(messages.length);
        assertThat(link.a.kcp.send(new byte[256 * 1326], 0, 256 * 1326))
                .as("more than 255 fragments")
                .isEqualTo(-2);
    }
}
