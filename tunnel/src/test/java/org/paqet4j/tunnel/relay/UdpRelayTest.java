package org.paqet4j.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.testing.MemoryStream;

class UdpRelayTest {

    /** Records what it sends; refuses {@code refuseLength} bytes (EMSGSIZE), 3 bytes meet an ICMP port unreachable. */
    private static final class RecordingSink implements UdpRelay.DatagramSink {
        final List<byte[]> sent = new ArrayList<>();
        final int refuseLength;
        volatile boolean open = true;

        RecordingSink(int refuseLength) {
            this.refuseLength = refuseLength;
        }

        @Override
        public void send(byte[] buf, int len) throws IOException {
            if (!open) {
                throw new IOException("Socket is closed");
            }
            if (len == refuseLength) {
                throw new IOException("Message too long");
            }
            if (len == 3) {
                throw new PortUnreachableException("ICMP port unreachable");
            }
            sent.add(Arrays.copyOf(buf, len));
        }

        @Override
        public boolean isOpen() {
            return open;
        }
    }

    @Test
    void sendsEachMessageBehindTheCallersHeaderAndDropsOnlyTheRefusedOnes() throws Exception {
        MemoryStream[] streams = MemoryStream.pair(1);
        streams[1].writeMessage(new byte[] {1, 2, 3}, 0, 3);
        streams[1].writeMessage(new byte[] {4, 5, 6, 7}, 0, 4);
        streams[1].writeMessage(new byte[] {9}, 0, 1);
        streams[1].writeMessage(new byte[] {8, 8}, 0, 2);
        streams[1].close();
        byte[] buffer = new byte[2 + UdpRelay.MAX_DATAGRAM];
        buffer[0] = 'H';
        buffer[1] = 'D';
        RecordingSink sink = new RecordingSink(6);
        LongAdder dropped = new LongAdder();

        UdpRelay.streamToSocket(streams[0], buffer, 2, sink, dropped, "test");

        // 2 + 4 bytes refused (counted), 2 + 1 port unreachable (not counted), the rest sent.
        assertThat(sink.sent).containsExactly(new byte[] {'H', 'D', 1, 2, 3}, new byte[] {'H', 'D', 8, 8});
        assertThat(dropped.sum()).isEqualTo(1);
    }

    @Test
    void aClosedSocketEndsTheRelay() throws Exception {
        MemoryStream[] streams = MemoryStream.pair(2);
        streams[1].writeMessage(new byte[] {1, 2}, 0, 2);
        RecordingSink sink = new RecordingSink(-1);
        sink.open = false;
        LongAdder dropped = new LongAdder();

        assertThatThrownBy(() -> UdpRelay.streamToSocket(streams[0], new byte[100], 0, sink, dropped, "test"))
                .hasMessageContaining("Socket is closed");
        assertThat(dropped.sum()).isZero();
    }

    @Test
    void relaysBothWaysOverAConnectedChannelAndClosesBothWhenTheStreamEnds() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel target = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
                DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0))) {
            channel.connect(target.getLocalAddress());
            MemoryStream[] streams = MemoryStream.pair(3);
            streams[1].setReadTimeout(Duration.ofSeconds(10));
            LongAdder dropped = new LongAdder();
            Thread relay = Thread.ofVirtual().start(() -> UdpRelay.run(channel, streams[0], dropped, "test"));

            streams[1].writeMessage(new byte[] {1, 2, 3}, 0, 3);
            ByteBuffer received = ByteBuffer.allocate(16);
            var from = target.receive(received);
            assertThat(Arrays.copyOf(received.array(), received.position())).containsExactly(1, 2, 3);

            target.send(ByteBuffer.wrap(new byte[] {4, 5}), from);
            byte[] reply = new byte[16];
            assertThat(streams[1].readMessage(reply, 0)).isEqualTo(2);
            assertThat(Arrays.copyOf(reply, 2)).containsExactly(4, 5);

            streams[1].close();
            relay.join(Duration.ofSeconds(10));
            assertThat(relay.isAlive()).isFalse();
            assertThat(channel.isOpen()).isFalse();
            assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        }
    }
}
