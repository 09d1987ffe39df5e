package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;

/**
 * A tunnel whose UDP far end answers every message with a reply too large for an IPv4 UDP socket
 * (65520 bytes, fits an smux frame), then with {@link #SMALL_REPLY}: the near end must drop the
 * first and still deliver the second.
 */
public final class OversizedReplyOpener implements StreamOpener {

    public static final byte[] SMALL_REPLY = {7, 8, 9};
    private final AtomicInteger ids = new AtomicInteger(3);

    @Override
    public TunnelStream openTcp(Target target) throws IOException {
        throw new IOException("UDP only: " + target);
    }

    @Override
    public TunnelStream openUdp(Target target) {
        MemoryStream[] pair = MemoryStream.pair(ids.getAndAdd(2));
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[65_535];
            byte[] oversized = new byte[65_520];
            try (MemoryStream far = pair[1]) {
                while (far.readMessage(buf, 0) >= 0) {
                    far.writeMessage(oversized, 0, oversized.length);
                    far.writeMessage(SMALL_REPLY, 0, SMALL_REPLY.length);
                }
            } catch (IOException e) {
                // the near end went away
            }
        });
        return pair[0];
    }
}
