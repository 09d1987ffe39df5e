package org.paqet4j.mux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * The open streams of one session by id, with the count that enforces {@code maxStreams}, this side's id
 * allocator and the fair window that depends on the count. Kept apart so the session reads as frame handling.
 */
final class StreamTable {
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;
    /**
     * The smallest window fair sharing goes down to. Small enough that a thousand streams' windows fit a 4 MiB
     * {@code smuxbuf}, large enough that the 8-byte header and the buffered frame's object stay a small part of
     * each frame.
     */
    static final int MIN_FAIR_WINDOW = 4 * 1024;

    private final MuxConfig config;
    private final MemoryBudget memory;
    private final ConcurrentHashMap<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    /** Streams counted against maxStreams: open, or reserved by an open or accept in progress. */
    private final AtomicInteger slots = new AtomicInteger();

    private final Object idLock = new Object();
    private long lastStreamId; // guarded by idLock

    StreamTable(MuxConfig config, boolean client, MemoryBudget memory) {
        this.config = config;
        this.memory = memory;
        this.lastStreamId = client ? 1 : 0;
    }

    /** Counts one more stream against maxStreams; false when that many are open. */
    boolean reserveSlot() {
        while (true) {
            int n = slots.get();
            if (n >= config.maxStreams()) {
                return false;
            }
            if (slots.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * With a slot reserved: creates and registers a stream with this side's next id; null when the ids are
     * exhausted (the slot is released then).
     */
    MuxStream openNext(IntFunction<MuxStream> create) {
        synchronized (idLock) {
            if (lastStreamId + 2 > MAX_STREAM_ID) {
                slots.decrementAndGet();
                return null;
            }
            lastStreamId += 2;
            MuxStream stream = create.apply((int) lastStreamId);
            streams.put(stream.id(), stream);
            return stream;
        }
    }

    /** With a slot reserved: registers a stream the peer opened. */
    void add(MuxStream stream) {
        streams.put(stream.id(), stream);
    }

    MuxStream get(int sid) {
        return streams.get(sid);
    }

    boolean contains(int sid) {
        return streams.containsKey(sid);
    }

    /** Removes a stream that is done (closed, or FIN both ways) and frees its slot. */
    void forget(MuxStream stream) {
        if (streams.remove(stream.id(), stream)) {
            slots.decrementAndGet();
        }
    }

    int count() {
        return slots.get();
    }

    /** Empties the table when the session closes; returns the streams it held. */
    List<MuxStream> clear() {
        List<MuxStream> all = new ArrayList<>(streams.values());
        streams.clear();
        slots.set(0);
        return all;
    }

    /** A stream and how many received bytes it holds unread. */
    record Backlog(MuxStream stream, long bytes) {}

    /**
     * Among the open streams that hold more than {@code share} unread bytes and whose reader took nothing for at
     * least {@code stallNanos}, the one holding the most; null when there is none. A scan over all streams: the
     * receive loop only asks while {@code smuxbuf} is full.
     */
    Backlog largestStalledBacklog(long share, long stallNanos) {
        long now = System.nanoTime();
        MuxStream worst = null;
        long most = share;
        for (MuxStream s : streams.values()) {
            long n = s.available();
            if (n > most && s.stalledNanos(now) >= stallNanos) {
                most = n;
                worst = s;
            }
        }
        return worst == null ? null : new Backlog(worst, most);
    }

    /**
     * The v2 window this session advertises per stream: {@code streambuf}, but never more than half of
     * {@code smuxbuf} shared by the open streams. smux always advertises {@code streambuf}, so two stalled readers
     * with 2 MiB windows fill a 4 MiB {@code smuxbuf} and pause every other stream (one
     * slow reader starves the rest); sharing keeps the windows of stalled streams well below the cap, down to
     * {@value #MIN_FAIR_WINDOW} bytes when many streams share it. What the
     * process-wide memory budget has left is shared the same way, so windows granted while memory runs low shrink
     * towards the floor.
     */
    int fairWindow() {
        int streamsOpen = Math.max(1, slots.get());
        long share = Math.min(config.maxReceiveBuffer(), memory.free()) / (2L * streamsOpen);
        int floor = Math.min(config.maxStreamBuffer(), MIN_FAIR_WINDOW);
        return (int) Math.max(floor, Math.min(config.maxStreamBuffer(), share));
    }
}
