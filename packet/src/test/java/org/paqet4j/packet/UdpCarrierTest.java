package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UdpCarrierTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void datagramsOfEverySizeCrossIntactAndAreCounted() throws Exception {
        try (UdpCarrier a = UdpCarrier.bind(LOOPBACK, 1 << 20);
                UdpCarrier b = UdpCarrier.bind(LOOPBACK, 1 << 20)) {
            Random random = new Random(7);
            ByteBuffer dst = ByteBuffer.allocate(2048);
            long bytes = 0;
            for (int size = 1; size <= 1500; size += 37) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                a.send(ByteBuffer.wrap(payload), b.localAddress());
                dst.clear();
                InetSocketAddress source = b.receive(dst);
                dst.flip();
                byte[] got = new byte[dst.remaining()];
                dst.get(got);
                assertThat(got).isEqualTo(payload);
                assertThat(source.getPort()).isEqualTo(a.localAddress().getPort());
                bytes += size;
            }
            assertThat(a.counters().bytesSent()).isEqualTo(bytes);
            assertThat(b.counters().bytesReceived()).isEqualTo(bytes);
            assertThat(b.counters().packetsReceived()).isEqualTo(a.counters().packetsSent());
        }
    }

    @Test
    void datagramLargerThanTheBufferIsDroppedAndCounted() throws Exception {
        try (UdpCarrier a = UdpCarrier.bind(LOOPBACK, 0);
                UdpCarrier b = UdpCarrier.bind(LOOPBACK, 0)) {
            a.send(ByteBuffer.wrap(new byte[100]), b.localAddress());
            a.send(ByteBuffer.wrap(new byte[10]), b.localAddress());
            ByteBuffer small = ByteBuffer.allocate(50);
            b.receive(small);
            assertThat(small.position()).isEqualTo(10);
            assertThat(b.counters().droppedTruncated()).isEqualTo(1);
        }
    }

    @Test
    void closeUnblocksAPendingReceive() throws Exception {
        UdpCarrier carrier = UdpCarrier.bind(LOOPBACK, 0);
        CompletableFuture<Throwable> receiving = CompletableFuture.supplyAsync(() -> {
            try {
                carrier.receive(ByteBuffer.allocate(64));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(100);
        carrier.close();
        assertThat(receiving.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> carrier.receive(ByteBuffer.allocate(64))).isInstanceOf(ClosedChannelException.class);
    }
}
