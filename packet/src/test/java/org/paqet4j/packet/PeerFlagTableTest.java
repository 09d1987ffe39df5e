package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.wire.TcpFlags;

class PeerFlagTableTest {

    private static final InetSocketAddress A = new InetSocketAddress("198.18.0.2", 40000);
    private static final InetSocketAddress B = new InetSocketAddress("198.18.0.3", 40000);
    private final FlagCycle local = new FlagCycle(new short[] {TcpFlags.PSH | TcpFlags.ACK});

    @Test
    void aPeersOwnFlagsReplaceTheLocalOnesUntilCleared() {
        PeerFlagTable table = new PeerFlagTable(8, "test carrier");
        table.set(A, new short[] {TcpFlags.ACK, TcpFlags.SYN});
        assertThat(table.next(A, local)).isEqualTo(TcpFlags.ACK);
        assertThat(table.next(A, local)).isEqualTo(TcpFlags.SYN);
        assertThat(table.next(B, local)).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
        table.clear(A);
        assertThat(table.next(A, local)).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
    }

    @Test
    void aFullTableIgnoresNewPeersButStillUpdatesKnownOnes() {
        PeerFlagTable table = new PeerFlagTable(1, "test carrier");
        table.set(A, new short[] {TcpFlags.ACK});
        table.set(B, new short[] {TcpFlags.SYN});
        assertThat(table.next(B, local)).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
        table.set(A, new short[] {TcpFlags.FIN});
        assertThat(table.next(A, local)).isEqualTo(TcpFlags.FIN);
    }

    @Test
    void rejectsMasksOutsideTheNineFlags() {
        PeerFlagTable table = new PeerFlagTable(8, "test carrier");
        assertThatThrownBy(() -> table.set(A, new short[] {0x200})).hasMessageContaining("0x200");
    }

    @Test
    void theUdpCarrierHasNoFlagsAndIgnoresThem() throws Exception {
        try (UdpCarrier udp = UdpCarrier.bind(new InetSocketAddress("127.0.0.1", 0), 1 << 16)) {
            assertThat(udp.peerFlags()).isSameAs(PeerFlags.IGNORE);
            udp.peerFlags().set(A, new short[] {TcpFlags.SYN});
            udp.peerFlags().clear(A);
        }
    }
}
