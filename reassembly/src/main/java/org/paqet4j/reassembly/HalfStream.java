package org.paqet4j.reassembly;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One direction of a connection: turns segments into ordered {@link StreamEvent}s.
 *
 * <p>Positions are 64-bit offsets from {@code origin}, the sequence number of the first payload
 * byte position seen (the SYN's sequence + 1, or the first segment's sequence when the capture
 * starts mid-stream), exactly where tshark's follow starts. Every incoming sequence number is
 * unwrapped relative to the next expected offset, which is the same signed 32-bit comparison
 * tshark makes, so the two agree across the 2^32 wrap.
 */
final class HalfStream {

    private final OverlapPolicy policy;
    private final boolean ackGated;
    private final Direction direction;
    private final StreamHandler handler;
    private final Counters counters;

    private boolean started;
    private int origin;
    /** tshark's base sequence: the SYN's, else the first segment's minus one; a new SYN elsewhere means port reuse. */
    private int baseSeq;

    private long expected;
    private long highestEnd;
    private int window = 65_535;
    private boolean finSeen;
    private long buffered;

    /** BSD: arrival order. */
    private final List<Fragment> queue;
    /** BSD: how many queued fragments start at each offset, so the lowest start costs O(log n), not a scan. */
    private final TreeMap<Long, Integer> queuedStarts;
    /** Every policy but BSD: the buffered bytes as non-overlapping pieces by offset. */
    private final TreeMap<Long, Fragment> pieces;
    /**
     * LINUX, WINDOWS, SOLARIS: the buffered segments as they arrived, start to distinct ends, since
     * their rules compare whole segments. A segment's extent goes once delivery passes its start
     * (by then all of it is delivered: its bytes stay buffered, contiguous, until delivered).
     */
    private final TreeMap<Long, long[]> extents;

    private int longestExtent;
    /** ACK-gated: reassembled Data and Gap events the receiver has not acknowledged yet, in order. */
    private final ArrayDeque<StreamEvent> held = new ArrayDeque<>();

    private long acknowledged = Long.MIN_VALUE;
    /** What remembering one buffered segment's extent costs in the budget (map entry, boxed key, array). */
    static final int EXTENT_COST = 96;
    /** Whether the reassembler's eviction order holds this direction; only the reassembler sets it. */
    boolean inBufferingSet;

    HalfStream(OverlapPolicy policy, boolean ackGated, Direction direction, StreamHandler handler, Counters counters) {
        this.policy = policy;
        this.ackGated = ackGated;
        this.direction = direction;
        this.handler = handler;
        this.counters = counters;
        this.queue = policy == OverlapPolicy.BSD ? new ArrayList<>() : List.of();
        this.queuedStarts = policy == OverlapPolicy.BSD ? new TreeMap<>() : null;
        this.pieces = policy == OverlapPolicy.BSD ? null : new TreeMap<>();
        this.extents = policy.bySegment() ? new TreeMap<>() : null;
    }

    boolean started() {
        return started;
    }

    int baseSeq() {
        return baseSeq;
    }

    boolean finSeen() {
        return finSeen;
    }

    /** Memory held for buffered fragments, counted against the budget. */
    long buffered() {
        return buffered;
    }

    boolean hasBuffered() {
        return buffered > 0;
    }

    /** A segment sent in this direction. */
    void segment(TcpSegment s) {
        boolean syn = s.has(TcpSegment.SYN);
        if (!started) {
            started = true;
            origin = syn ? s.seq() + 1 : s.seq();
            baseSeq = syn ? s.seq() : s.seq() - 1;
        }
        window = s.window();
        if (s.has(TcpSegment.FIN)) {
            finSeen = true;
        }
        byte[] payload = s.payload();
        if (payload.length == 0) {
            return;
        }
        long offset = Seq.unwrap(origin, expected, syn ? s.seq() + 1 : s.seq());
        highestEnd = Math.max(highestEnd, offset + payload.length);
        int skip = 0;
        if (offset < expected) {
            long end = offset + payload.length;
            if (end <= expected) {
                return;
            }
            skip = (int) (expected - offset);
            offset = expected;
        }
        if (policy == OverlapPolicy.BSD) {
            if (offset == expected) {
                deliver(offset, payload, skip, payload.length - skip, s.timestampNanos(), s.frameNumber());
                expected += payload.length - skip;
                while (bsdNext(Long.MIN_VALUE)) {
                    // each round appends one queued fragment or nothing
                }
            } else {
                Fragment f = new Fragment(offset, payload.clone(), s.timestampNanos(), s.frameNumber());
                queue.add(f);
                queuedStarts.merge(f.offset(), 1, Integer::sum);
                buffered += f.cost();
                counters.outOfOrderSegments++;
            }
        } else if (offset == expected && pieces.isEmpty()) {
            // in order with nothing buffered: no overlap to resolve, nothing to copy
            deliver(offset, payload, skip, payload.length - skip, s.timestampNanos(), s.frameNumber());
            expected += payload.length - skip;
        } else {
            if (offset != expected) {
                counters.outOfOrderSegments++;
            }
            byte[] bytes = skip == 0 ? payload.clone() : Arrays.copyOfRange(payload, skip, payload.length);
            Fragment piece = new Fragment(offset, bytes, s.timestampNanos(), s.frameNumber());
            if (extents != null) {
                insertBySegment(offset - skip, piece);
            } else {
                insertPiece(piece);
            }
            drainPieces();
        }
    }

    /** The peer acknowledged up to {@code ack}: holes before buffered data it acknowledged become gaps. */
    void acked(int ack) {
        if (!started) {
            return;
        }
        long ackOffset = Seq.unwrap(origin, expected, ack);
        if (ackGated && ackOffset > acknowledged) {
            // also before the data it covers: a tap may capture the ACK first
            acknowledged = ackOffset;
        }
        if (buffered == 0) {
            return;
        }
        if (policy == OverlapPolicy.BSD) {
            while (bsdNext(ackOffset)) {
                // gap, then whatever the queue now continues
            }
        } else {
            while (!pieces.isEmpty() && ackOffset > pieces.firstKey()) {
                gap(pieces.firstKey() - expected, GapCause.LOST_ACKED);
                expected = pieces.firstKey();
                drainPieces();
            }
        }
        release(false);
    }

    /**
     * A RST sent in this direction counts when its sequence lies between the delivered end and the
     * highest byte seen plus the receiver's advertised window. TCP options are not read, so the
     * window is taken at the largest scale (2^14): this refuses RSTs far outside any window
     * (blind injection, stale packets) without rejecting a real one.
     */
    boolean acceptsRst(int seq, HalfStream receiver) {
        if (!started) {
            return true;
        }
        long offset = Seq.unwrap(origin, expected, seq);
        long windowBytes = Math.max(1, (long) receiver.window << 14);
        return offset >= expected - 1 && offset <= Math.max(highestEnd, expected) + windowBytes;
    }

    /** Skips the first hole (gap with {@code cause}) and delivers what follows it; false when nothing is buffered. */
    boolean skipHole(GapCause cause) {
        if (buffered == 0) {
            return false;
        }
        if (queue.isEmpty() && (pieces == null || pieces.isEmpty())) {
            // only acknowledgement-gated bytes are held: hand them over rather than lose them
            release(true);
            return true;
        }
        long lowest = policy == OverlapPolicy.BSD ? queuedStarts.firstKey() : pieces.firstKey();
        gap(lowest - expected, cause);
        expected = lowest;
        if (policy == OverlapPolicy.BSD) {
            while (bsdNext(Long.MIN_VALUE)) {
                // deliver what the skipped hole was holding back
            }
        } else {
            drainPieces();
        }
        return true;
    }

    /** Ends this direction: buffered data is flushed behind gaps, or dropped and counted. */
    void finish(GapCause cause, boolean flush, EndReason reason) {
        if (flush) {
            while (skipHole(cause)) {
                // one hole per round, then whatever acknowledgement-gated bytes are held
            }
        } else {
            for (StreamEvent e : held) {
                if (e instanceof StreamEvent.Data d) {
                    counters.bytesDropped += d.bytes().length;
                    buffered -= d.bytes().length + Fragment.OVERHEAD;
                }
            }
            held.clear();
            for (Fragment f : policy == OverlapPolicy.BSD ? queue : pieces.values()) {
                counters.bytesDropped += f.data().length;
            }
            if (policy == OverlapPolicy.BSD) {
                queue.clear();
                queuedStarts.clear();
            } else {
                pieces.clear();
                if (extents != null) {
                    extents.clear();
                }
            }
            buffered = 0;
        }
        handler.onEvent(direction, new StreamEvent.End(reason));
    }

    /**
     * tshark's check_follow_fragments: the first queued fragment (arrival order) that starts at or
     * before the delivered end contributes its new bytes; otherwise, when {@code ackOffset} is past
     * the lowest queued start, the hole up to it is a gap. True when something changed.
     */
    private boolean bsdNext(long ackOffset) {
        if (queue.isEmpty()) {
            return false;
        }
        long lowest = queuedStarts.firstKey();
        if (lowest <= expected) {
            for (int i = 0; ; i++) {
                Fragment f = queue.get(i);
                if (f.offset() <= expected) {
                    queue.remove(i);
                    queuedStarts.computeIfPresent(f.offset(), (k, n) -> n == 1 ? null : n - 1);
                    buffered -= f.cost();
                    if (f.end() > expected) {
                        int skip = (int) (expected - f.offset());
                        deliver(expected, f.data(), skip, f.data().length - skip, f.timestampNanos(), f.frameNumber());
                        expected = f.end();
                    } else {
                        counters.bytesDropped += f.data().length;
                    }
                    return true;
                }
            }
        }
        if (ackOffset > lowest) {
            gap(lowest - expected, GapCause.LOST_ACKED);
            expected = lowest;
            return true;
        }
        return false;
    }

    /** FIRST keeps buffered bytes where the new piece overlaps them; LAST replaces them. */
    private void insertPiece(Fragment piece) {
        List<Fragment> overlapping = new ArrayList<>();
        Map.Entry<Long, Fragment> before = pieces.lowerEntry(piece.offset());
        if (before != null && before.getValue().end() > piece.offset()) {
            overlapping.add(before.getValue());
        }
        overlapping.addAll(
                pieces.subMap(piece.offset(), true, piece.end(), false).values());
        for (Fragment old : overlapping) {
            long from = Math.max(old.offset(), piece.offset());
            long to = Math.min(old.end(), piece.end());
            byte[] oldBytes = Arrays.copyOfRange(old.data(), (int) (from - old.offset()), (int) (to - old.offset()));
            byte[] newBytes =
                    Arrays.copyOfRange(piece.data(), (int) (from - piece.offset()), (int) (to - piece.offset()));
            if (!Arrays.equals(oldBytes, newBytes)) {
                counters.conflicts++;
                boolean keepOld = policy == OverlapPolicy.FIRST;
                handler.onEvent(
                        direction,
                        new StreamEvent.Conflict(
                                from,
                                to - from,
                                Arrays.hashCode(keepOld ? oldBytes : newBytes),
                                Arrays.hashCode(keepOld ? newBytes : oldBytes)));
            }
        }
        if (policy == OverlapPolicy.LAST) {
            for (Fragment old : overlapping) {
                remove(old);
                if (old.offset() < piece.offset()) {
                    add(slice(old, old.offset(), piece.offset()));
                }
                if (old.end() > piece.end()) {
                    add(slice(old, piece.end(), old.end()));
                }
            }
            add(piece);
        } else {
            long cursor = piece.offset();
            for (Fragment old : overlapping) {
                if (old.offset() > cursor) {
                    add(slice(piece, cursor, old.offset()));
                }
                cursor = Math.max(cursor, old.end());
            }
            if (cursor < piece.end()) {
                add(slice(piece, cursor, piece.end()));
            }
        }
    }

    /**
     * Suricata's target-based insertion: the new bytes win over each buffered segment they
     * overlap unless the policy's rule for the two segments' starts and ends keeps the old ones.
     * {@code start} is where the segment began before bytes already delivered were cut off.
     */
    private void insertBySegment(long start, Fragment piece) {
        long end = piece.end();
        List<Fragment> overlapping = overlappingPieces(piece);
        if (!overlapping.isEmpty()) {
            int length = piece.data().length;
            boolean[] keepOld = new boolean[length];
            for (Map.Entry<Long, long[]> e :
                    extents.subMap(start - longestExtent, true, end, false).entrySet()) {
                long oldStart = e.getKey();
                for (long oldEnd : e.getValue()) {
                    if (oldEnd > piece.offset() && !policy.newWins(start, end, oldStart, oldEnd)) {
                        int from = (int) (Math.max(oldStart, piece.offset()) - piece.offset());
                        int to = (int) (Math.min(oldEnd, end) - piece.offset());
                        Arrays.fill(keepOld, from, to, true);
                    }
                }
            }
            byte[] merged = piece.data();
            for (Fragment old : overlapping) {
                long from = Math.max(old.offset(), piece.offset());
                long to = Math.min(old.end(), end);
                int n = (int) (to - from);
                byte[] kept = new byte[n];
                byte[] discarded = new byte[n];
                boolean differs = false;
                for (int i = 0; i < n; i++) {
                    int at = (int) (from - piece.offset()) + i;
                    byte oldByte = old.data()[(int) (from - old.offset()) + i];
                    byte newByte = merged[at];
                    differs |= oldByte != newByte;
                    kept[i] = keepOld[at] ? oldByte : newByte;
                    discarded[i] = keepOld[at] ? newByte : oldByte;
                    merged[at] = kept[i];
                }
                if (differs) {
                    counters.conflicts++;
                    handler.onEvent(
                            direction,
                            new StreamEvent.Conflict(from, n, Arrays.hashCode(kept), Arrays.hashCode(discarded)));
                }
                remove(old);
                if (old.offset() < piece.offset()) {
                    add(slice(old, old.offset(), piece.offset()));
                }
                if (old.end() > end) {
                    add(slice(old, end, old.end()));
                }
            }
        }
        add(piece);
        addExtent(start, end);
    }

    private List<Fragment> overlappingPieces(Fragment piece) {
        List<Fragment> overlapping = new ArrayList<>();
        Map.Entry<Long, Fragment> before = pieces.lowerEntry(piece.offset());
        if (before != null && before.getValue().end() > piece.offset()) {
            overlapping.add(before.getValue());
        }
        overlapping.addAll(
                pieces.subMap(piece.offset(), true, piece.end(), false).values());
        return overlapping;
    }

    private void addExtent(long start, long end) {
        long[] ends = extents.get(start);
        if (ends == null) {
            extents.put(start, new long[] {end});
        } else {
            for (long e : ends) {
                if (e == end) {
                    return;
                }
            }
            ends = Arrays.copyOf(ends, ends.length + 1);
            ends[ends.length - 1] = end;
            extents.put(start, ends);
        }
        buffered += EXTENT_COST;
        longestExtent = (int) Math.max(longestExtent, end - start);
    }

    private void dropExtentsBefore(long offset) {
        Map.Entry<Long, long[]> first;
        while ((first = extents.firstEntry()) != null && first.getKey() < offset) {
            buffered -= (long) EXTENT_COST * first.getValue().length;
            extents.pollFirstEntry();
        }
        if (extents.isEmpty()) {
            longestExtent = 0;
        }
    }

    private void drainPieces() {
        Map.Entry<Long, Fragment> first;
        while ((first = pieces.firstEntry()) != null && first.getKey() == expected) {
            Fragment f = first.getValue();
            remove(f);
            deliver(f.offset(), f.data(), 0, f.data().length, f.timestampNanos(), f.frameNumber());
            expected = f.end();
        }
        if (extents != null) {
            dropExtentsBefore(expected);
        }
    }

    private static Fragment slice(Fragment f, long from, long to) {
        if (from == f.offset() && to == f.end()) {
            return f;
        }
        byte[] bytes = Arrays.copyOfRange(f.data(), (int) (from - f.offset()), (int) (to - f.offset()));
        return new Fragment(from, bytes, f.timestampNanos(), f.frameNumber());
    }

    private void add(Fragment f) {
        pieces.put(f.offset(), f);
        buffered += f.cost();
    }

    private void remove(Fragment f) {
        pieces.remove(f.offset());
        buffered -= f.cost();
    }

    private void deliver(long offset, byte[] data, int from, int length, long timestamp, long frame) {
        byte[] bytes = from == 0 && length == data.length ? data : Arrays.copyOfRange(data, from, from + length);
        emit(new StreamEvent.Data(offset, bytes, timestamp, timestamp, new long[] {frame}));
    }

    private void gap(long length, GapCause cause) {
        counters.gaps++;
        counters.gapBytes += length;
        emit(new StreamEvent.Gap(expected, length, cause));
    }

    private void emit(StreamEvent event) {
        if (!ackGated) {
            handler.onEvent(direction, event);
            return;
        }
        if (event instanceof StreamEvent.Data d) {
            // the caller's payload array may be reused once process() returns
            d = new StreamEvent.Data(
                    d.offset(), d.bytes().clone(), d.firstTimestampNanos(), d.lastTimestampNanos(), d.frameNumbers());
            buffered += d.bytes().length + Fragment.OVERHEAD;
            held.add(d);
        } else {
            held.add(event);
        }
        release(false);
    }

    /** Hands held events to the handler up to the acknowledged offset (all of them when {@code everything}). */
    private void release(boolean everything) {
        StreamEvent head;
        while ((head = held.peekFirst()) != null) {
            if (head instanceof StreamEvent.Data d) {
                long end = d.offset() + d.bytes().length;
                if (!everything && end > acknowledged) {
                    if (d.offset() < acknowledged) {
                        // the acknowledged part goes now, the rest waits
                        int cut = (int) (acknowledged - d.offset());
                        held.pollFirst();
                        held.addFirst(new StreamEvent.Data(
                                acknowledged,
                                Arrays.copyOfRange(d.bytes(), cut, d.bytes().length),
                                d.firstTimestampNanos(),
                                d.lastTimestampNanos(),
                                d.frameNumbers()));
                        buffered -= cut;
                        handler.onEvent(
                                direction,
                                new StreamEvent.Data(
                                        d.offset(),
                                        Arrays.copyOf(d.bytes(), cut),
                                        d.firstTimestampNanos(),
                                        d.lastTimestampNanos(),
                                        d.frameNumbers()));
                    }
                    return;
                }
                buffered -= d.bytes().length + Fragment.OVERHEAD;
            }
            held.pollFirst();
            handler.onEvent(direction, head);
        }
    }
}
