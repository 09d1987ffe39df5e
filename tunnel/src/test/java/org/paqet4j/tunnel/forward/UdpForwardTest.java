package org.paqet4j.tunnel.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.testing.OversizedReplyOpener;

class UdpForwardTest {

    @Test
    void replyTheLocalSocketRefusesIsDroppedNotTheWholeSession() throws Exception {
        try (UdpForward forward = UdpForward.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new Target("198.18.0.1", 53),
                        new OversizedReplyOpener(),
                        Duration.ofSeconds(30),
                        4);
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            for (int i = 0; i < 2; i++) {
                udp.send(new DatagramPacket(new byte[] {(byte) i}, 1, forward.localAddress()));
                DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
                udp.receive(back);
                assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(OversizedReplyOpener.SMALL_REPLY);
            }
            assertThat(forward.sessionCount()).isEqualTo(1);
            assertThat(forward.droppedReplies()).isEqualTo(2);
        }
    }
}
