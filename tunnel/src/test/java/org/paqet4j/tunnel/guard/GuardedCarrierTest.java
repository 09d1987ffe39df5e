package org.paqet4j.tunnel.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.UdpCarrier;

class GuardedCarrierTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private GuardCookies cookies(String secret) {
        return new GuardCookies(GuardCookies.deriveKey(secret), Duration.ofSeconds(30), Duration.ofSeconds(30), clock::get);
    }

    @Test
    void guardedPeersExchangeDatagramsAndDropEverythingElseBeforeDecoding() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), cookies("s3cret"));
             GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), cookies("s3cret"));
             GuardedCarrier stranger = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), cookies("other"));
             DatagramChannel raw = DatagramChannel.open()) {
            InetSocketAddress to = server.localAddress();
            raw.send(ByteBuffer.wrap("no magic at all".getBytes(StandardCharsets.US_ASCII)), to);
            raw.send(ByteBuffer.wrap(new byte[] {0x50, 0x34}), to);
            stranger.send(ByteBuffer.wrap("wrong key".getBytes(StandardCharsets.US_ASCII)), to);
            client.send(ByteBuffer.wrap("kcp datagram".getBytes(StandardCharsets.US_ASCII)), to);

            ByteBuffer dst = ByteBuffer.allocate(1500);
            InetSocketAddress from = server.receive(dst);
            dst.flip();
            assertThat(StandardCharsets.US_ASCII.decode(dst).toString()).isEqualTo("kcp datagram");
            assertThat(from.getPort()).isEqualTo(client.localAddress().getPort());
            assertThat(server.rejectedMagic()).isEqualTo(2);
            assertThat(server.rejectedCookie()).isEqualTo(1);
        }
    }

    @Test
    void batchesArePrefixedDatagramByDatagram() throws IOException {
        try (GuardedCarrier server = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), cookies("k"));
             GuardedCarrier client = new GuardedCarrier(UdpCarrier.bind(LOOPBACK, 0), cookies("k"))) {
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
            assertThat(server.rejectedMagic() + server.rejectedCookie()).isZero();
        }
    }

    @Test
    void cookiesOfNeighbouringWindowsAreAcceptedAndOlderOnesAreNot() {
        GuardCookies receiver = cookies("k");
        GuardCookies sender = new GuardCookies(GuardCookies.deriveKey("k"), Duration.ofSeconds(30), Duration.ofSeconds(30),
                clock::get);
        byte[] now = sender.current();
        assertThat(receiver.accepts(now, 0)).isTrue();
        clock.addAndGet(30_000);
        assertThat(receiver.accepts(now, 0)).as("previous window").isTrue();
        assertThat(receiver.accepts(sender.current(), 0)).isTrue();
        clock.addAndGet(30_000);
        assertThat(receiver.accepts(now, 0)).as("two windows old").isFalse();
    }

    @Test
    void cookieIsNotTheSameAcrossWindowsOrKeys() {
        byte[] first = cookies("k").current();
        clock.addAndGet(30_000);
        assertThat(cookies("k").current()).isNotEqualTo(first);
        assertThat(cookies("j").current()).isNotEqualTo(cookies("k").current());
    }
}
