package org.paqet4j.kcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.LockSupport;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform thread that blocks in {@link PacketCarrier#receive} and routes each datagram. It
 * ends when the carrier closes (its owner closes it after the sessions and listener it carries).
 */
final class CarrierReceiver implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CarrierReceiver.class);
    private static final int MAX_DATAGRAM = 65_536;

    private final PacketCarrier carrier;
    private final DatagramRouter router;
    private final Runnable onExit;
    private final byte[] buf = new byte[MAX_DATAGRAM];
    private final ByteBuffer wrapped = ByteBuffer.wrap(buf);
    private final OutputBatch out = new OutputBatch();
    private volatile boolean stopped;

    CarrierReceiver(PacketCarrier carrier, DatagramRouter router, Runnable onExit) {
        this.carrier = carrier;
        this.router = router;
        this.onExit = onExit;
    }

    DatagramRouter router() {
        return router;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                wrapped.clear();
                InetSocketAddress peer;
                try {
                    peer = carrier.receive(wrapped);
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    log.warn("receive on carrier {} failed: {}", AddressText.of(carrier.localAddress()), e.toString());
                    LockSupport.parkNanos(10_000_000L); // no busy loop on a persistent error
                    continue;
                }
                try {
                    router.route(peer, buf, wrapped.position(), out);
                } catch (RuntimeException e) {
                    // A datagram must never kill the receive loop; the codec/KCP count their drops.
                    log.warn(
                            "datagram of {} bytes from {} failed: {}",
                            wrapped.position(),
                            AddressText.of(peer),
                            e.toString(),
                            e);
                }
            }
        } finally {
            router.carrierClosed();
            onExit.run();
        }
    }
}
