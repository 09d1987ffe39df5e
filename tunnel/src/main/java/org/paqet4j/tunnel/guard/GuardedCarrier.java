package org.paqet4j.tunnel.guard;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.PeerFlags;

/**
 * Packet guard: a {@link PacketCarrier} decorator that puts a {@link GuardHeader} (sender, counter,
 * time, MAC tag) in front of every datagram it sends, and accepts a received datagram only when
 * its magic is right, its time is fresh, its tag is authentic and its sender's counter was not
 * seen before. A forged datagram costs the receiver one HMAC and no session lookup or decryption;
 * a captured datagram is accepted at most once, from any source address, because replay windows
 * are kept per sender, not per address. So a replayed session start cannot create or replace a
 * session, and replayed requests never reach a target.
 *
 * <p>Memory: one {@link ReplayWindow} (1 KiB) per sender heard within {@link GuardKey#rememberMillis()};
 * senders are real peers (a forger cannot make a valid tag), and at most {@link #MAX_SENDERS}
 * are tracked: beyond that new senders are refused, never an old one forgotten early.
 *
 * <p>Restarts: a server's replay windows die with its process. A {@link #listening} carrier therefore
 * accepts only datagrams stamped at least {@code skew} after it started, so nothing captured
 * before a restart is accepted again; clients reconnect once that much time has passed.
 *
 * <p>The KCP MTU must leave room for {@link #OVERHEAD} bytes. Both ends must enable the guard with
 * the same key and version; it is off by default because Go paqet does not speak it.
 */
public final class GuardedCarrier implements PacketCarrier {

    public static final int OVERHEAD = GuardHeader.LENGTH;
    static final int MAX_SENDERS = 16_384;
    private static final int MAX_DATAGRAM = 65_536;
    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    private final PacketCarrier delegate;
    private final GuardKey key;
    private final long senderId;
    private final AtomicLong counter = new AtomicLong();
    private final ThreadLocal<Mac> sendMac;
    private final ThreadLocal<ByteBuffer> sendScratch =
            ThreadLocal.withInitial(() -> ByteBuffer.allocate(MAX_DATAGRAM));
    private final ThreadLocal<ByteBuffer[]> batchScratch = ThreadLocal.withInitial(() -> new ByteBuffer[0]);
    private final ThreadLocal<byte[]> sendTag = ThreadLocal.withInitial(() -> new byte[32]);

    // Receive state: receive happens on one thread at a time (PacketCarrier contract).
    private final ByteBuffer receiveScratch = ByteBuffer.allocate(MAX_DATAGRAM);
    private final Mac receiveMac;
    private final byte[] receiveTag = new byte[32];
    private final Map<Long, ReplayWindow> senders = new HashMap<>();
    /** Earliest send time accepted; none on a dialing carrier. */
    private final long firstAcceptableMillis;

    private long nextSweepMillis;

    private final LongAdder rejectedMagic = new LongAdder();
    private final LongAdder rejectedStale = new LongAdder();
    private final LongAdder rejectedTag = new LongAdder();
    private final LongAdder rejectedReplay = new LongAdder();
    private final LongAdder rejectedSenderLimit = new LongAdder();
    private final LongAdder rejectedBeforeStart = new LongAdder();
    private final LongAdder tooLarge = new LongAdder();

    /** A dialing end's carrier (a client's): it talks to one server, whose old datagrams its KCP session would not take. */
    public GuardedCarrier(PacketCarrier delegate, GuardKey key) {
        this(delegate, key, Long.MIN_VALUE);
    }

    /** A listening end's carrier (a server's), which also refuses what a previous process on its port may have accepted. */
    public static GuardedCarrier listening(PacketCarrier delegate, GuardKey key) {
        return new GuardedCarrier(delegate, key, key.firstAcceptableMillis(key.nowMillis()));
    }

    private GuardedCarrier(PacketCarrier delegate, GuardKey key, long firstAcceptableMillis) {
        this.firstAcceptableMillis = firstAcceptableMillis;
        this.delegate = delegate;
        this.key = key;
        this.senderId = 1 + (new SecureRandom().nextLong() & GuardHeader.MAX_48) % GuardHeader.MAX_48;
        this.sendMac = ThreadLocal.withInitial(key::newMac);
        this.receiveMac = key.newMac();
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        ByteBuffer out = sendScratch.get();
        if (datagram.remaining() + OVERHEAD > out.capacity()) {
            throw new IOException("datagram of " + datagram.remaining() + " bytes to " + peer
                    + " is too large for the guard (max " + (out.capacity() - OVERHEAD) + ")");
        }
        seal(datagram, out, peer);
        delegate.send(out, peer);
    }

    /** Keeps the delegate's batching (sendmmsg on the raw carrier): every datagram is sealed into its own buffer. */
    @Override
    public void sendBatch(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress peer) throws IOException {
        ByteBuffer[] out = batchScratch.get();
        if (out.length < count) {
            out = new ByteBuffer[count];
            batchScratch.set(out);
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer datagram = datagrams[offset + i];
            int need = datagram.remaining() + OVERHEAD;
            if (out[i] == null || out[i].capacity() < need) {
                // Sized to what is sent (an MTU, typically), not to the largest possible datagram.
                out[i] = ByteBuffer.allocate(Math.max(need, 2048));
            }
            seal(datagram, out[i], peer);
        }
        delegate.sendBatch(out, 0, count, peer);
    }

    /** Writes header and payload into {@code out} (a heap buffer) and flips it. */
    private void seal(ByteBuffer datagram, ByteBuffer out, InetSocketAddress peer) throws IOException {
        long n = counter.incrementAndGet();
        if (n > GuardHeader.MAX_48) {
            throw new IOException(
                    "guard counter exhausted after 2^48 datagrams; restart to send to " + AddressText.of(peer));
        }
        byte[] b = out.array();
        out.clear();
        out.put(GuardHeader.MAGIC);
        GuardHeader.write48(b, GuardHeader.SENDER_OFFSET, senderId);
        GuardHeader.write48(b, GuardHeader.COUNTER_OFFSET, n);
        GuardHeader.writeTime(b, key.nowMillis() / 1000);
        out.position(GuardHeader.LENGTH);
        out.put(datagram);
        int length = out.position();
        Mac mac = sendMac.get();
        byte[] tag = sendTag.get();
        mac.update(b, 0, GuardHeader.TAG_OFFSET);
        mac.update(b, GuardHeader.LENGTH, length - GuardHeader.LENGTH);
        try {
            mac.doFinal(tag, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("a 32-byte buffer holds an HMAC-SHA256", e);
        }
        System.arraycopy(tag, 0, b, GuardHeader.TAG_OFFSET, GuardHeader.TAG_LENGTH);
        out.flip();
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return receive(dst, true);
    }

    /** Keeps the delegate's receive batches: checks what the delegate already holds, never waits. */
    @Override
    public InetSocketAddress receiveNow(ByteBuffer dst) throws IOException {
        return receive(dst, false);
    }

    /** The next datagram that passes the guard; with {@code wait} false, null once the delegate has none waiting. */
    private InetSocketAddress receive(ByteBuffer dst, boolean wait) throws IOException {
        byte[] raw = receiveScratch.array();
        while (true) {
            receiveScratch.clear();
            InetSocketAddress source = wait ? delegate.receive(receiveScratch) : delegate.receiveNow(receiveScratch);
            if (source == null) {
                return null;
            }
            int length = receiveScratch.position();
            if (!GuardHeader.hasMagic(raw, length)) {
                rejectedMagic.increment();
                continue;
            }
            int payload = length - OVERHEAD;
            if (payload > dst.remaining()) {
                // Mirrors the carriers' contract: too-large datagrams are dropped and counted.
                tooLarge.increment();
                continue;
            }
            long now = key.nowMillis();
            if (!key.fresh(GuardHeader.readTime(raw), now)) {
                rejectedStale.increment();
                continue;
            }
            if (!authentic(raw, length)) {
                rejectedTag.increment();
                continue;
            }
            if (!firstTimeSeen(
                    GuardHeader.read48(raw, GuardHeader.SENDER_OFFSET),
                    GuardHeader.read48(raw, GuardHeader.COUNTER_OFFSET),
                    GuardHeader.readTime(raw) * 1000,
                    now)) {
                continue;
            }
            dst.put(raw, OVERHEAD, payload);
            return source;
        }
    }

    private boolean authentic(byte[] raw, int length) {
        receiveMac.update(raw, 0, GuardHeader.TAG_OFFSET);
        receiveMac.update(raw, GuardHeader.LENGTH, length - GuardHeader.LENGTH);
        try {
            receiveMac.doFinal(receiveTag, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("a 32-byte buffer holds an HMAC-SHA256", e);
        }
        int diff = 0;
        for (int i = 0; i < GuardHeader.TAG_LENGTH; i++) {
            diff |= receiveTag[i] ^ raw[GuardHeader.TAG_OFFSET + i];
        }
        return diff == 0;
    }

    /** Records the sender's counter; false (and counted) for a replay or when no sender slot is free. */
    private boolean firstTimeSeen(long sender, long n, long sentMillis, long now) {
        if (now - nextSweepMillis >= 0) {
            forgetQuietSenders(now);
        }
        // Also for senders heard since: their earlier counters are not in the window they have now.
        if (sentMillis < firstAcceptableMillis) {
            rejectedBeforeStart.increment();
            return false;
        }
        ReplayWindow window = senders.get(sender);
        if (window == null) {
            if (senders.size() >= MAX_SENDERS) {
                rejectedSenderLimit.increment();
                return false;
            }
            window = new ReplayWindow(now);
            senders.put(sender, window);
        }
        if (!window.accept(n, now)) {
            rejectedReplay.increment();
            return false;
        }
        return true;
    }

    /** Anything a forgotten sender ever had accepted is stale by now, so forgetting it cannot let a replay in. */
    private void forgetQuietSenders(long now) {
        long remember = key.rememberMillis();
        for (Iterator<ReplayWindow> it = senders.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeenMillis() > remember) {
                it.remove();
            }
        }
        nextSweepMillis = now + SWEEP_INTERVAL_MILLIS;
    }

    /** Datagrams dropped because the magic was missing (not guarded, or another guard version) or they were too short. */
    public long rejectedMagic() {
        return rejectedMagic.sum();
    }

    /** Datagrams dropped because their time was outside the accepted window (old captures, a wrong clock). */
    public long rejectedStale() {
        return rejectedStale.sum();
    }

    /** Datagrams dropped because their tag was wrong (forged, altered, or another key). */
    public long rejectedTag() {
        return rejectedTag.sum();
    }

    /** Authentic datagrams dropped because their sender's counter was seen before (replays) or is too old to tell. */
    public long rejectedReplay() {
        return rejectedReplay.sum();
    }

    /** Authentic datagrams dropped because {@link #MAX_SENDERS} other senders are remembered. */
    public long rejectedSenderLimit() {
        return rejectedSenderLimit.sum();
    }

    /** Authentic datagrams stamped before a listening carrier's start plus skew. */
    public long rejectedBeforeStart() {
        return rejectedBeforeStart.sum();
    }

    /** Every datagram the guard dropped, for whatever reason. */
    public long rejected() {
        return rejectedMagic()
                + rejectedStale()
                + rejectedTag()
                + rejectedReplay()
                + rejectedSenderLimit()
                + rejectedBeforeStart()
                + tooLarge();
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
    public PeerFlags peerFlags() {
        return delegate.peerFlags();
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
