package org.paqet4j.packet.tools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;

/**
 * Sends test datagrams to a peer through a carrier, like paqet's {@code ping} command (which sends
 * one raw TCP packet with the payload "PING"); watch them arrive with {@link TunnelSniffer}.
 */
public final class Pinger {

    /** paqet's default payload. */
    public static final String DEFAULT_PAYLOAD = "PING";

    private Pinger() {}

    /**
     * Sends {@code count} copies of {@code payload} to {@code peer}, {@code interval} apart.
     *
     * @return datagrams sent (all of them, or an {@link IOException} says which one failed)
     */
    public static int send(PacketCarrier carrier, InetSocketAddress peer, byte[] payload, int count, Duration interval)
            throws IOException, InterruptedException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (payload.length == 0) {
            throw new IllegalArgumentException("payload must not be empty: receivers skip segments without payload");
        }
        for (int i = 1; i <= count; i++) {
            try {
                carrier.send(ByteBuffer.wrap(payload), peer);
            } catch (IOException e) {
                throw new IOException(
                        "ping " + i + " of " + count + " to " + AddressText.of(peer) + ": " + e.getMessage(), e);
            }
            if (i < count && !interval.isZero()) {
                Thread.sleep(interval);
            }
        }
        return count;
    }
}
