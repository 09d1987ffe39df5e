package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.paqet4j.reassembly.Direction.FROM_NODE0;
import static org.paqet4j.reassembly.Direction.FROM_NODE1;
import static org.paqet4j.reassembly.TcpSegment.ACK;
import static org.paqet4j.reassembly.TcpSegment.FIN;
import static org.paqet4j.reassembly.TcpSegment.RST;
import static org.paqet4j.reassembly.TcpSegment.SYN;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpReassemblerTest {

    private final Recorder recorder = new Recorder();
    private final Segments s = new Segments();

    private TcpReassembler reassembler(ReassemblyConfig config) {
        return new TcpReassembler(config, recorder);
    }

    @Test
    void dataOnSynStartsAtOffsetZero() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, "hi"));
            r.process(s.s2c(900, 103, SYN | ACK, ""));
            r.process(s.c2s(103, 901, ACK, "there"));
        }
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("hithere");
        assertThat(((StreamEvent.Data) stream.of(FROM_NODE0).get(1)).offset()).isEqualTo(2);
        assertThat(stream.info.node0()).isEqualTo(Segments.CLIENT);
    }

    @Test
    void midStreamPickupStartsAtTheFirstSegmentSeen() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withFlushOnClose(false))) {
            r.process(s.s2c(5000, 1000, ACK, "late"));
            r.process(s.c2s(1100, 5004, ACK, "HELLO"));
            r.process(s.c2s(1000, 5004, ACK, "early")); // before the first byte seen: dropped, as tshark
        }
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(stream.info.node0()).isEqualTo(Segments.SERVER);
        assertThat(new String(stream.data(FROM_NODE1))).isEqualTo("HELLO");
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("late");
    }

    @Test
    void aHoleBecomesAGapOnlyOnceTheAckPassesTheQueuedStart() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withFlushOnClose(false))) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(101, 1, ACK, "abc"));
            r.process(s.c2s(110, 1, ACK, "def"));
            r.process(s.s2c(1, 110, ACK, "")); // up to the queued start: still a hole
            assertThat(recorder.streams.getFirst().of(FROM_NODE0)).hasSize(1);
            r.process(s.s2c(1, 111, ACK, ""));
            assertThat(r.stats().gaps()).isEqualTo(1);
        }
        List<StreamEvent> events = recorder.streams.getFirst().of(FROM_NODE0);
        assertThat(events.get(1)).isEqualTo(new StreamEvent.Gap(3, 6, GapCause.LOST_ACKED));
        assertThat(new String(recorder.streams.getFirst().tsharkBytes(FROM_NODE0)))
                .isEqualTo("abc[6 bytes missing in capture file]\0def");
    }

    @Test
    void oneByteHoleAtTheWrapIsReportedNotJoined() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withFlushOnClose(false))) {
            r.process(s.c2s(0xFFFF_FFF0, 0, SYN, ""));
            r.process(s.c2s(0xFFFF_FFF1, 1, ACK, "0123456789abcde")); // up to 2^32 - 1
            r.process(s.c2s(1, 1, ACK, "after")); // the byte at seq 0 is missing
            assertThat(new String(recorder.streams.getFirst().data(FROM_NODE0))).isEqualTo("0123456789abcde");
            r.process(s.s2c(1, 2, ACK, ""));
        }
        List<StreamEvent> events = recorder.streams.getFirst().of(FROM_NODE0);
        assertThat(events.get(1)).isEqualTo(new StreamEvent.Gap(15, 1, GapCause.LOST_ACKED));
        assertThat(((StreamEvent.Data) events.get(2)).offset()).isEqualTo(16);
    }

    @Test
    void aStaleByteBeforeTheWrapIsNotDeliveredAgain() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(0xFFFF_FFF0, 0, SYN, ""));
            r.process(s.c2s(0xFFFF_FFF1, 1, ACK, "0123456789abcdef")); // crosses 2^32
            r.process(s.c2s(0xFFFF_FFFF, 1, ACK, "X")); // retransmitted last byte before the wrap
            r.process(s.c2s(1, 1, ACK, "g"));
        }
        assertThat(new String(recorder.streams.getFirst().data(FROM_NODE0))).isEqualTo("0123456789abcdefg");
    }

    @Test
    void aNewSynOnAClosedTupleStartsANewStream() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(101, 1, ACK, "one"));
            r.process(s.c2s(104, 1, FIN | ACK, ""));
            r.process(s.s2c(1, 105, FIN | ACK, ""));
            r.process(s.c2s(7000, 0, SYN, ""));
            r.process(s.c2s(7001, 1, ACK, "two"));
            assertThat(r.stats().connectionsCreated()).isEqualTo(2);
        }
        assertThat(recorder.streams).hasSize(2);
        assertThat(new String(recorder.streams.get(0).data(FROM_NODE0))).isEqualTo("one");
        assertThat(recorder.streams.get(0).end(FROM_NODE0).reason()).isEqualTo(EndReason.FIN);
        assertThat(recorder.streams.get(1).info.index()).isEqualTo(1);
        assertThat(new String(recorder.streams.get(1).data(FROM_NODE0))).isEqualTo("two");
        assertThat(recorder.streams.get(1).end(FROM_NODE0).reason()).isEqualTo(EndReason.CLOSE);
    }

    @Test
    void aRetransmittedSynIsTheSameStream() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(100, 0, SYN, ""));
        }
        assertThat(recorder.streams).hasSize(1);
    }

    @Test
    void rstInsideTheWindowEndsWithRstAndDataAfterItIsStillDelivered() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.s2c(900, 101, SYN | ACK, ""));
            r.process(s.c2s(101, 901, ACK, "abc"));
            r.process(s.c2s(104, 901, RST | ACK, ""));
            r.process(s.c2s(104, 901, ACK, "def"));
        }
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("abcdef");
        assertThat(stream.end(FROM_NODE0).reason()).isEqualTo(EndReason.RST);
        assertThat(stream.end(FROM_NODE1).reason()).isEqualTo(EndReason.RST);
    }

    @Test
    void rstFarOutsideTheWindowIsIgnored() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(new TcpSegment(Segments.SERVER, Segments.CLIENT, 900, 101, SYN | ACK, 1, new byte[0], 2, 2));
            r.process(s.c2s(101, 901, ACK, "abc"));
            r.process(s.c2s(101 + (1 << 20), 901, RST | ACK, "")); // window 1 << 14 = 16 KiB
        }
        assertThat(recorder.streams.getFirst().end(FROM_NODE0).reason()).isEqualTo(EndReason.CLOSE);
    }

    @Test
    void idleConnectionsEndByPacketTimeAndFlushTheirHoles() {
        long second = 1_000_000_000L;
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withIdleTimeoutNanos(30 * second))) {
            r.process(s.at(0, s.c2s(100, 0, SYN, "")));
            r.process(s.at(second, s.c2s(105, 1, ACK, "later")));
            r.process(s.at(
                    20 * second, s.of(Segments.endpoint("10.0.0.3", 1), Segments.SERVER, 1, 1, ACK, new byte[] {1})));
            assertThat(r.stats().connectionsActive()).isEqualTo(2);
            r.advanceTime(31 * second);
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
        }
        List<StreamEvent> events = recorder.streams.getFirst().of(FROM_NODE0);
        assertThat(events)
                .containsExactly(
                        new StreamEvent.Gap(0, 4, GapCause.TIMEOUT),
                        events.get(1),
                        new StreamEvent.End(EndReason.TIMEOUT));
        assertThat(new String(((StreamEvent.Data) events.get(1)).bytes())).isEqualTo("later");
        assertThat(recorder.streams.get(1).end(FROM_NODE0).reason()).isEqualTo(EndReason.CLOSE);
    }

    @Test
    void aClosedConnectionLingersThenEndsAndIsReleased() {
        long second = 1_000_000_000L;
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withLingerNanos(2 * second))) {
            r.process(s.at(0, s.c2s(100, 0, SYN, "")));
            r.process(s.at(1, s.c2s(101, 1, ACK, "one")));
            r.process(s.at(2, s.c2s(104, 1, FIN | ACK, "")));
            r.process(s.at(3, s.s2c(1, 105, FIN | ACK, "")));
            long memoryOpen = r.stats().memoryUsed();
            // a late retransmission within the linger time: the same stream, and it restarts the clock
            r.process(s.at(second, s.c2s(101, 2, ACK, "one")));
            r.advanceTime(2 * second + 4);
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
            assertThat(recorder.streams.getFirst().of(FROM_NODE0).getLast()).isInstanceOf(StreamEvent.Data.class);
            r.advanceTime(3 * second);
            assertThat(r.stats().connectionsActive()).isZero();
            assertThat(r.stats().connectionsClosed()).isEqualTo(1);
            assertThat(r.stats().memoryUsed()).isEqualTo(memoryOpen - Connection.OVERHEAD);
            assertThat(recorder.streams.getFirst().end(FROM_NODE0).reason()).isEqualTo(EndReason.FIN);
            assertThat(recorder.streams.getFirst().end(FROM_NODE1).reason()).isEqualTo(EndReason.FIN);
            // after the linger time the 4-tuple is free: the next packet starts a new stream
            r.process(s.at(4 * second, s.c2s(105, 2, ACK, "")));
            assertThat(r.stats().connectionsCreated()).isEqualTo(2);
        }
        assertThat(new String(recorder.streams.getFirst().data(FROM_NODE0))).isEqualTo("one");
        assertThat(recorder.streams.get(1).info.index()).isEqualTo(1);
    }

    @Test
    void lingerStartsOnlyWhenBothSidesSentFinOrAnRstCounted() {
        long second = 1_000_000_000L;
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withLingerNanos(second))) {
            r.process(s.at(0, s.c2s(100, 0, SYN, "")));
            r.process(s.at(1, s.s2c(900, 101, SYN | ACK, "")));
            r.process(s.at(2, s.c2s(101, 901, FIN | ACK, "")));
            r.advanceTime(10 * second); // one FIN: half-closed connections stay
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
            r.process(s.at(10 * second, s.s2c(901, 102, RST | ACK, "")));
            r.advanceTime(11 * second - 1);
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
            r.advanceTime(11 * second);
            assertThat(r.stats().connectionsActive()).isZero();
            assertThat(recorder.streams.getFirst().end(FROM_NODE1).reason()).isEqualTo(EndReason.RST);
        }
    }

    @Test
    void lingerZeroKeepsClosedConnectionsUntilClose() {
        long second = 1_000_000_000L;
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withLingerNanos(0))) {
            r.process(s.at(0, s.c2s(100, 0, SYN | FIN, "")));
            r.process(s.at(1, s.s2c(900, 102, SYN | ACK | FIN, "")));
            r.advanceTime(1000 * second);
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
        }
        assertThat(recorder.streams.getFirst().end(FROM_NODE0).reason()).isEqualTo(EndReason.FIN);
    }

    @Test
    void aConnectionEndedOtherwiseLeavesTheLingerOrder() {
        long second = 1_000_000_000L;
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withLingerNanos(second))) {
            r.process(s.at(0, s.c2s(100, 0, SYN, "")));
            r.process(s.at(1, s.c2s(101, 1, FIN | ACK, "")));
            r.process(s.at(2, s.s2c(1, 102, FIN | ACK, "")));
            r.process(s.at(3, s.c2s(5000, 0, SYN, ""))); // port reuse ends the lingering stream at once
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
            r.advanceTime(5 * second); // the new stream is open, not closed: it stays
            assertThat(r.stats().connectionsActive()).isEqualTo(1);
        }
        assertThat(recorder.streams).hasSize(2);
        assertThat(recorder.streams.get(1).end(FROM_NODE0).reason()).isEqualTo(EndReason.CLOSE);
    }

    @Test
    void closeWithoutFlushDropsAndCountsBufferedBytes() {
        TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withFlushOnClose(false));
        r.process(s.c2s(100, 0, SYN, ""));
        r.process(s.c2s(110, 1, ACK, "queued"));
        assertThat(r.stats().memoryUsed()).isEqualTo(Connection.OVERHEAD + 6 + Fragment.OVERHEAD);
        r.close();
        r.close();
        assertThat(r.stats().bytesDropped()).isEqualTo(6);
        assertThat(r.stats().memoryUsed()).isZero();
        assertThat(recorder.streams.getFirst().of(FROM_NODE0)).containsExactly(new StreamEvent.End(EndReason.CLOSE));
        assertThatThrownBy(() -> r.process(s.c2s(1, 1, ACK, "x"))).hasMessage("reassembler is closed");
    }

    @Test
    void firstKeepsTheEarlierCopyAndReportsTheConflict() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withPolicy(OverlapPolicy.FIRST))) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(103, 1, ACK, "AAAA"));
            r.process(s.c2s(103, 1, ACK, "BBBB"));
            r.process(s.c2s(101, 1, ACK, "xyCC"));
        }
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("xyAAAA");
        assertThat(stream.of(FROM_NODE0).getFirst())
                .isEqualTo(new StreamEvent.Conflict(
                        2,
                        4,
                        java.util.Arrays.hashCode("AAAA".getBytes()),
                        java.util.Arrays.hashCode("BBBB".getBytes())));
    }

    @Test
    void lastLetsTheLaterCopyWin() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS.withPolicy(OverlapPolicy.LAST))) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(103, 1, ACK, "AAAA"));
            r.process(s.c2s(104, 1, ACK, "BB"));
            r.process(s.c2s(101, 1, ACK, "xyCC"));
        }
        assertThat(new String(recorder.streams.getFirst().data(FROM_NODE0))).isEqualTo("xyCCBA");
    }

    @Test
    void bsdPrefersTheInOrderSegmentOverQueuedBytes() {
        try (TcpReassembler r = reassembler(ReassemblyConfig.DEFAULTS)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.c2s(103, 1, ACK, "AAAA"));
            r.process(s.c2s(104, 1, ACK, "BB"));
            r.process(s.c2s(101, 1, ACK, "xyCC"));
        }
        // xyCC beats the queued AA at offsets 2-3; then the first queued copy in arrival order continues
        assertThat(new String(recorder.streams.getFirst().data(FROM_NODE0))).isEqualTo("xyCCAA");
    }

    @Test
    void ackGatedDeliveryWaitsForTheReceiversAck() {
        TcpReassembler r =
                reassembler(ReassemblyConfig.DEFAULTS.withAckGated(true).withFlushOnClose(false));
        r.process(s.c2s(100, 0, SYN, ""));
        r.process(s.s2c(900, 101, SYN | ACK, ""));
        r.process(s.c2s(101, 901, ACK, "hello world"));
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(stream.of(FROM_NODE0)).isEmpty();
        assertThat(r.stats().memoryUsed()).isEqualTo(Connection.OVERHEAD + 11 + Fragment.OVERHEAD);
        r.process(s.s2c(901, 106, ACK, ""));
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("hello");
        r.process(s.s2c(901, 112, ACK, ""));
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("hello world");
        assertThat(((StreamEvent.Data) stream.of(FROM_NODE0).get(1)).offset()).isEqualTo(5);
        r.process(s.c2s(112, 901, ACK, "zzz"));
        r.close();
        assertThat(r.stats().bytesDropped()).isEqualTo(3);
        assertThat(r.stats().memoryUsed()).isZero();
        assertThat(new String(stream.data(FROM_NODE0))).isEqualTo("hello world");
    }

    @Test
    void ackGatedBytesAreHandedOverUnderMemoryPressure() {
        ReassemblyConfig config = ReassemblyConfig.DEFAULTS
                .withAckGated(true)
                .withMemoryBudget(ReassemblyConfig.MIN_BUDGET)
                .withPerConnectionCap(1 << 16);
        try (TcpReassembler r = reassembler(config)) {
            r.process(s.c2s(100, 0, SYN, ""));
            byte[] chunk = new byte[1000];
            for (int i = 0; i < 100; i++) {
                r.process(s.of(Segments.CLIENT, Segments.SERVER, 101 + i * 1000, 1, ACK, chunk));
                assertThat(r.stats().memoryUsed()).isLessThanOrEqualTo(Connection.OVERHEAD + (1 << 16));
            }
        }
        assertThat(recorder.streams.getFirst().data(FROM_NODE0)).hasSize(100_000);
    }

    @Test
    void eachDirectionUsesItsReceiversHostPolicy() {
        ReassemblyConfig config = ReassemblyConfig.DEFAULTS.withHostPolicies(List.of(
                HostPolicy.parse("10.0.0.2/32", OverlapPolicy.LAST),
                HostPolicy.parse("10.0.0.0/8", OverlapPolicy.FIRST)));
        try (TcpReassembler r = reassembler(config)) {
            r.process(s.c2s(100, 0, SYN, ""));
            r.process(s.s2c(900, 101, SYN | ACK, ""));
            for (boolean toServer : new boolean[] {true, false}) {
                int isn = toServer ? 101 : 901;
                for (String[] seg : new String[][] {{"2", "AAAA"}, {"3", "BB"}, {"0", "xyCC"}}) {
                    byte[] data = seg[1].getBytes();
                    int seq = isn + Integer.parseInt(seg[0]);
                    r.process(
                            toServer
                                    ? s.of(Segments.CLIENT, Segments.SERVER, seq, 901, ACK, data)
                                    : s.of(Segments.SERVER, Segments.CLIENT, seq, 101, ACK, data));
                }
            }
        }
        Recorder.Stream stream = recorder.streams.getFirst();
        assertThat(new String(stream.data(FROM_NODE0))).as("to 10.0.0.2: LAST").isEqualTo("xyCCBA");
        assertThat(new String(stream.data(FROM_NODE1))).as("to 10.0.0.1: FIRST").isEqualTo("xyAAAA");
    }

    @Test
    void hostPoliciesParseNetworksAndRejectNames() {
        HostPolicy v6 = HostPolicy.parse("2001:db8::/33", OverlapPolicy.FIRST);
        assertThat(v6.contains(Segments.endpoint("2001:db8:7fff::1", 1).address()))
                .isTrue();
        assertThat(v6.contains(Segments.endpoint("2001:db8:8000::1", 1).address()))
                .isFalse();
        assertThat(v6.contains(Segments.endpoint("10.0.0.1", 1).address())).isFalse();
        assertThat(HostPolicy.parse("192.0.2.7", OverlapPolicy.LAST).prefixLength())
                .isEqualTo(32);
        assertThatThrownBy(() -> HostPolicy.parse("example.com/24", OverlapPolicy.BSD))
                .hasMessage("'example.com/24' is not an IP network (e.g. 192.0.2.0/24, 2001:db8::/32)");
        assertThatThrownBy(() -> HostPolicy.parse("dead.beef", OverlapPolicy.BSD))
                .hasMessageContaining("is not an IP network");
        assertThatThrownBy(() -> HostPolicy.parse("10.0.0.256/8", OverlapPolicy.BSD))
                .hasMessageContaining("is not an IP network");
        assertThatThrownBy(() -> HostPolicy.parse("10.0.0.0/33", OverlapPolicy.BSD))
                .hasMessage("prefix length must be between 0 and 32, got 33");
    }

    @Test
    void theConfigurationRejectsNonsenseWithTheValue() {
        assertThatThrownBy(() -> ReassemblyConfig.DEFAULTS.withMemoryBudget(1000))
                .hasMessage("memoryBudget must be at least 262144 bytes, got 1000");
        assertThatThrownBy(() -> ReassemblyConfig.DEFAULTS.withPerConnectionCap(100))
                .hasMessageContaining("perConnectionCap must be between 65536 and memoryBudget");
        assertThatThrownBy(() -> ReassemblyConfig.DEFAULTS.withIdleTimeoutNanos(-1))
                .hasMessage("idleTimeoutNanos must be >= 0, got -1");
        assertThatThrownBy(() -> ReassemblyConfig.DEFAULTS.withLingerNanos(-5))
                .hasMessage("lingerNanos must be >= 0, got -5");
    }
}
