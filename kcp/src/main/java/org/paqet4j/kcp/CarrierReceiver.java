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
 * The platform thread that blocks in {@link PacketCarrier#receive} and routes the datagrams. It
 * works in batches: after a blocking receive it takes whatever else is already waiting
 * ({@link PacketCarrier#receiveNow}, up to {@link #MAX_BATCH} datagrams), inputs each into its
 * session without flushing, and then runs every touched session's eager flush once. A burst of
 * ACKs is so input completely before the session answers, and the answers of a batch leave
 * together. It ends when the carrier closes (its owner closes it after the sessions and listener
 * it carries).
 */
final class CarrierReceiver implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CarrierReceiver.class);
    private static final int MAX_DATAGRAM = 65_536;
    /** As many datagrams as the raw carrier takes in one recvmmsg: bounds how long an ACK waits for its flush. */
    static final int MAX_BATCH = 64;

    private final PacketCarrier carrier;
    private final DatagramRouter router;
    private final Runnable onExit;
    private final byte[] buf = new byte[MAX_DATAGRAM];
    private final ByteBuffer wrapped = ByteBuffer.wrap(buf);
    private final TouchedSessions touched = new TouchedSessions();
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
            boolean open = true;
            while (open && !stopped) {
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
                    route(peer);
                    open = routeWaiting();
                } finally {
                    touched.flushAll(out);
                }
            }
        } finally {
            router.carrierClosed();
            onExit.run();
        }
    }

    /** Routes what is already waiting, up to the batch bound; false once the carrier has closed. */
    private boolean routeWaiting() {
        for (int n = 1; n < MAX_BATCH; n++) {
            wrapped.clear();
            InetSocketAddress peer;
            try {
                peer = carrier.receiveNow(wrapped);
            } catch (ClosedChannelException e) {
                return false;
            } catch (IOException e) {
                log.warn("receive on carrier {} failed: {}", AddressText.of(carrier.localAddress()), e.toString());
                return true; // the blocking receive reports it again if it persists
            }
            if (peer == null) {
                return true;
            }
            route(peer);
        }
        return true;
    }

    private void route(InetSocketAddress peer) {
        try {
            router.route(peer, buf, wrapped.position(), touched);
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
}
