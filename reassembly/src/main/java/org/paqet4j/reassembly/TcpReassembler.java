package org.paqet4j.reassembly;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reassembles every TCP connection in a packet sequence into per-direction {@link StreamEvent}s.
 *
 * <p>Single-threaded: one thread calls {@link #process}, {@link #advanceTime} and {@link #close};
 * handlers run on it. Time is packet time (a capture's timestamps) unless the caller drives
 * {@link #advanceTime} with the wall clock. Memory is bounded by {@link ReassemblyConfig#memoryBudget()}:
 * after every packet, buffered data beyond the per-connection cap or the budget is released by
 * skipping the oldest hole ({@link GapCause#EVICTED}); if connections alone exceed the budget, the
 * least recently active one is ended ({@link EndReason#EVICTED}).
 */
public final class TcpReassembler implements AutoCloseable {

    private final ReassemblyConfig config;
    private final StreamFactory factory;
    private final Counters counters = new Counters();
    /** Access order: the first entry is the least recently active connection. */
    private final LinkedHashMap<ConnectionKey, Connection> connections = new LinkedHashMap<>(1024, 0.75f, true);
    /** Directions holding buffered data, in the order they started buffering: eviction takes the first. */
    private final LinkedHashSet<HalfStream> buffering = new LinkedHashSet<>();
    /** Closed connections, least recently active first: the first to reach the linger time ends first. */
    private final LinkedHashSet<Connection> lingering = new LinkedHashSet<>();

    private long nextIndex;
    private long nowNanos = Long.MIN_VALUE;
    private long memoryUsed;
    private boolean closed;

    public TcpReassembler(ReassemblyConfig config, StreamFactory factory) {
        if (config == null || factory == null) {
            throw new IllegalArgumentException("config and factory are required");
        }
        this.config = config;
        this.factory = factory;
    }

    /** Takes one segment; events for it (and for anything it completes, times out or evicts) are delivered before it returns. */
    public void process(TcpSegment segment) {
        if (closed) {
            throw new IllegalStateException("reassembler is closed");
        }
        counters.packets++;
        counters.payloadBytes += segment.payload().length;
        advanceTime(segment.timestampNanos());
        ConnectionKey key = ConnectionKey.of(segment.source(), segment.destination());
        Connection connection = connections.get(key);
        if (connection != null && startsNewStream(connection, segment)) {
            end(connection, EndReason.REUSED, GapCause.END_OF_CAPTURE);
            connection = null;
        }
        if (connection == null) {
            connection = open(key, segment);
        }
        connection.lastSeenNanos = nowNanos;
        HalfStream sender = connection.sentBy(segment.source());
        HalfStream receiver = connection.receivedBy(segment.source());
        long before = connection.buffered();
        if (segment.has(TcpSegment.ACK)) {
            // tshark looks at the acknowledgement before the segment's own data
            receiver.acked(segment.ack());
        }
        if (segment.has(TcpSegment.RST) && sender.acceptsRst(segment.seq(), receiver)) {
            connection.rstSeen = true;
        }
        sender.segment(segment);
        linger(connection);
        memoryUsed += connection.buffered() - before;
        track(sender);
        track(receiver);
        enforceCap(connection);
        enforceBudget();
    }

    /** Moves the flush clock forward (never back) and ends connections idle longer than the timeout. */
    public void advanceTime(long nanos) {
        if (nanos > nowNanos) {
            nowNanos = nanos;
        }
        endLingering();
        long timeout = config.idleTimeoutNanos();
        if (timeout == 0 || connections.isEmpty()) {
            return;
        }
        List<Connection> idle = new ArrayList<>();
        for (Connection c : connections.values()) {
            if (nowNanos - c.lastSeenNanos < timeout) {
                break;
            }
            idle.add(c);
        }
        for (Connection c : idle) {
            end(c, EndReason.TIMEOUT, GapCause.TIMEOUT);
        }
    }

    public ReassemblyStats stats() {
        return new ReassemblyStats(
                counters.packets,
                counters.payloadBytes,
                connections.size(),
                counters.connectionsCreated,
                counters.connectionsClosed,
                counters.connectionsEvicted,
                counters.gaps,
                counters.gapBytes,
                counters.conflicts,
                counters.outOfOrderSegments,
                counters.bytesDropped,
                memoryUsed);
    }

    /** Ends every stream ({@link EndReason#CLOSE}; holes become {@link GapCause#END_OF_CAPTURE}). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Connection c : List.copyOf(connections.values())) {
            end(c, EndReason.CLOSE, GapCause.END_OF_CAPTURE);
        }
    }

    /** tshark's rule: a SYN without ACK whose sequence differs from the direction's first one begins a new stream. */
    private static boolean startsNewStream(Connection c, TcpSegment s) {
        if (!s.has(TcpSegment.SYN) || s.has(TcpSegment.ACK)) {
            return false;
        }
        HalfStream sender = c.sentBy(s.source());
        return sender.started() && s.seq() != sender.baseSeq();
    }

    /**
     * Puts a newly closed connection at the back of the linger order. Later packets only update
     * its last-seen time; {@link #endLingering} moves it back when it reaches the front, which
     * saves a set removal and insertion per packet of a closing connection.
     */
    private void linger(Connection c) {
        if (config.lingerNanos() == 0 || c.lingering || !c.closed()) {
            return;
        }
        c.lingering = true;
        c.lingerQueuedNanos = c.lastSeenNanos;
        lingering.add(c);
    }

    /**
     * Ends closed connections that saw no packet for the linger time; their holes are never going
     * to fill. The order is by the time each took its place, which is never later than its last
     * packet, so once the front has neither expired nor moved, nothing behind it has expired.
     */
    private void endLingering() {
        long linger = config.lingerNanos();
        while (!lingering.isEmpty()) {
            Connection c = lingering.getFirst();
            if (nowNanos - c.lastSeenNanos >= linger) {
                end(c, EndReason.CLOSE, GapCause.TIMEOUT);
            } else if (c.lingerQueuedNanos != c.lastSeenNanos) {
                lingering.removeFirst();
                c.lingerQueuedNanos = c.lastSeenNanos;
                lingering.addLast(c);
            } else {
                return;
            }
        }
    }

    private Connection open(ConnectionKey key, TcpSegment s) {
        StreamInfo info = new StreamInfo(nextIndex++, s.source(), s.destination(), s.frameNumber(), s.timestampNanos());
        StreamHandler handler = factory.open(info);
        Connection c = new Connection(key, info, handler, config, counters);
        c.lastSeenNanos = nowNanos;
        connections.put(key, c);
        counters.connectionsCreated++;
        memoryUsed += Connection.OVERHEAD;
        return c;
    }

    private void end(Connection c, EndReason reason, GapCause cause) {
        connections.remove(c.key);
        if (c.lingering) {
            c.lingering = false;
            lingering.remove(c);
        }
        boolean flush = config.flushOnClose() || reason == EndReason.EVICTED;
        for (HalfStream half : new HalfStream[] {c.fromNode0, c.fromNode1}) {
            long before = half.buffered();
            EndReason why = c.rstSeen ? EndReason.RST : half.finSeen() ? EndReason.FIN : reason;
            half.finish(cause, flush, why);
            memoryUsed += half.buffered() - before;
            if (half.inBufferingSet) {
                half.inBufferingSet = false;
                buffering.remove(half);
            }
        }
        memoryUsed -= Connection.OVERHEAD;
        if (reason == EndReason.EVICTED) {
            counters.connectionsEvicted++;
        } else {
            counters.connectionsClosed++;
        }
    }

    private void track(HalfStream half) {
        // most packets change nothing here: touch the set only when the state flips
        boolean buffers = half.hasBuffered();
        if (buffers != half.inBufferingSet) {
            half.inBufferingSet = buffers;
            if (buffers) {
                buffering.add(half);
            } else {
                buffering.remove(half);
            }
        }
    }

    private void enforceCap(Connection c) {
        while (c.buffered() > config.perConnectionCap()) {
            HalfStream larger = c.fromNode0.buffered() >= c.fromNode1.buffered() ? c.fromNode0 : c.fromNode1;
            evictHole(larger);
        }
    }

    private void enforceBudget() {
        while (memoryUsed > config.memoryBudget()) {
            Iterator<HalfStream> oldest = buffering.iterator();
            if (oldest.hasNext()) {
                evictHole(oldest.next());
            } else {
                Map.Entry<ConnectionKey, Connection> idlest = connections.firstEntry();
                end(idlest.getValue(), EndReason.EVICTED, GapCause.EVICTED);
            }
        }
    }

    private void evictHole(HalfStream half) {
        long before = half.buffered();
        half.skipHole(GapCause.EVICTED);
        memoryUsed += half.buffered() - before;
        track(half);
    }
}
