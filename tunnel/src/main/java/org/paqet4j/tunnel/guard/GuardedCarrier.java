package org.paqet4j.tunnel.guard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * Packet guard: a {@link PacketCarrier} decorator that prepends {@code magic (4) + cookie (8)} to
 * every datagram and drops received datagrams whose magic or cookie is wrong before anything
 * else (no session lookup, no decryption), so forged traffic costs the receiver a few compares.
 *
 * <p>Replay: a captured datagram replayed within the accepted windows passes the guard; KCP then
 * drops it as a duplicate segment (and the cipher's CRC/tag still protects integrity). The guard is
 * a cheap filter, not an authenticator of individual datagrams.
 *
 * <p>The KCP MTU must leave room for {@link #OVERHEAD} bytes. Both ends must enable the guard;
 * it is off by default because Go paqet does not speak it.
 */
public final class GuardedCarrier implements PacketCarrier {

    public static final int MAGIC_LENGTH = 4;
    public static final int OVERHEAD = MAGIC_LENGTH + GuardCookies.COOKIE_LENGTH;
    /** "P4jG". */
    private static final byte[] MAGIC = {0x50, 0x34, 0x6A, 0x47};
    private static final int MAX_DATAGRAM = 65_536;

    private final PacketCarrier delegate;
    private final GuardCookies cookies;
    /** Receive happens on one thread at a time (PacketCarrier contract), so one scratch buffer suffices. */
    private final ByteBuffer receiveScratch = ByteBuffer.allocate(MAX_DATAGRAM);
    private final ThreadLocal<ByteBuffer> sendScratch = ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_DATAGRAM));
    private final ThreadLocal<ByteBuffer[]> batchScratch = ThreadLocal.withInitial(() -> new ByteBuffer[0]);
    private final LongAdder rejectedMagic = new LongAdder();
    private final LongAdder rejectedCookie = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();

    public GuardedCarrier(PacketCarrier delegate, GuardCookies cookies) {
        this.delegate = delegate;
        this.cookies = cookies;
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        ByteBuffer out = sendScratch.get();
        if (datagram.remaining() + OVERHEAD > out.capacity()) {
            throw new IOException("datagram of " + datagram.remaining() + " bytes to " + peer
                    + " is too large for the guard (max " + (out.capacity() - OVERHEAD) + ")");
        }
        out.clear();
        out.put(MAGIC).put(cookies.current()).put(datagram).flip();
        delegate.send(out, peer);
    }

    /** Keeps the delegate's batching (sendmmsg on the raw carrier): every datagram is prefixed into its own buffer. */
    @Override
    public void sendBatch(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress peer) throws IOException {
        ByteBuffer[] out = batchScratch.get();
        if (out.length < count) {
            out = new ByteBuffer[count];
            batchScratch.set(out);
        }
        byte[] cookie = cookies.current();
        for (int i = 0; i < count; i++) {
            ByteBuffer datagram = datagrams[offset + i];
            int need = datagram.remaining() + OVERHEAD;
            if (out[i] == null || out[i].capacity() < need) {
                // Sized to what is sent (an MTU, typically), not to the largest possible datagram.
                out[i] = ByteBuffer.allocate(Math.max(need, 2048));
            }
            out[i].clear();
            out[i].put(MAGIC).put(cookie).put(datagram).flip();
        }
        delegate.sendBatch(out, 0, count, peer);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        byte[] raw = receiveScratch.array();
        while (true) {
            receiveScratch.clear();
            InetSocketAddress source = delegate.receive(receiveScratch);
            int length = receiveScratch.position();
            if (length < OVERHEAD || raw[0] != MAGIC[0] || raw[1] != MAGIC[1] || raw[2] != MAGIC[2]
                    || raw[3] != MAGIC[3]) {
                rejectedMagic.increment();
                continue;
            }
            if (!cookies.accepts(raw, MAGIC_LENGTH)) {
                rejectedCookie.increment();
                continue;
            }
            int payload = length - OVERHEAD;
            if (payload > dst.remaining()) {
                // Mirrors the carriers' contract: too-large datagrams are dropped and counted.
                tooLarge.increment();
                continue;
            }
            dst.put(raw, OVERHEAD, payload);
            return source;
        }
    }

    /** Datagrams dropped because the magic was missing or the datagram was shorter than the guard's prefix. */
    public long rejectedMagic() {
        return rejectedMagic.sum();
    }

    /** Datagrams dropped because the cookie matched no accepted window. */
    public long rejectedCookie() {
        return rejectedCookie.sum();
    }

    /** Valid datagrams dropped because they did not fit the caller's buffer. */
    public long tooLarge() {
        return tooLarge.sum();
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public void setPeerFlags(InetSocketAddress peer, short[] flagMasks) {
        delegate.setPeerFlags(peer, flagMasks);
    }

    @Override
    public CarrierCounters counters() {
        return delegate.counters();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
