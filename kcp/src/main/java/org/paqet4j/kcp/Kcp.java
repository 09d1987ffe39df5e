package org.paqet4j.kcp;

import java.util.Arrays;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * The KCP ARQ state machine with ikcp / kcp-go semantics, free of I/O: every call that needs time
 * takes {@code now} in milliseconds (u32 arithmetic, wrap-safe), so a virtual clock can drive it.
 * The only clock it reads itself is the optional {@link Clock}, after each datagram a flush hands
 * to {@link Output}. Not thread-safe; its {@link KcpSession} serialises access.
 *
 * <p>Differences from kcp-go that do not change the wire: the send buffer is indexed by
 * {@code sn - snd_una} (it holds consecutive sequence numbers), the reorder buffer is a ring indexed
 * by {@code sn}, fast-ACK counting sweeps the send buffer once per input datagram, segments are pooled, and stream-mode reads may consume part of a segment.
 */
final class Kcp {
    static final int OVERHEAD = 24;
    static final int CMD_PUSH = 81;
    static final int CMD_ACK = 82;
    static final int CMD_WASK = 83;
    static final int CMD_WINS = 84;
    static final int ASK_SEND = 1;
    static final int ASK_TELL = 2;
    static final int RTO_NDL = 30;
    static final int RTO_MIN = 100;
    static final int RTO_DEF = 200;
    static final int RTO_MAX = 60_000;
    static final int THRESH_INIT = 2;
    static final int THRESH_MIN = 2;
    static final int PROBE_INIT = 500;
    static final int PROBE_LIMIT = 120_000;
    /**
     * The window a session whose receive queue is empty still advertises while the memory budget is exhausted: its
     * reader keeps up, so what arrives leaves again at once, and such a session must not starve behind others whose
     * readers stalled.
     */
    static final int BUDGET_FLOOR_SEGMENTS = 16;

    /** Input results: 0 accepted; the negative values are the reasons a datagram was cut short. */
    static final int INPUT_OK = 0;

    static final int INPUT_TOO_SHORT = -1;
    static final int INPUT_CONV_MISMATCH = -2;
    static final int INPUT_TRUNCATED = -3;
    static final int INPUT_BAD_CMD = -4;

    /** Receives each datagram {@code flush} produced: {@code buf[offset, offset + length)}. */
    interface Output {
        void output(byte[] buf, int offset, int length);
    }

    /**
     * Milliseconds on the same clock as the {@code now} arguments. A flush that puts a whole window on the wire
     * (encrypting and sending each datagram) takes tens of milliseconds; its later segments must be stamped and timed
     * from when they actually leave, as kcp-go does, or their RTT samples include the flush itself and their
     * retransmission timers expire before their ACKs can have come back.
     */
    interface Clock {
        int nowMs();
    }

    /** For callers that pass {@code now} only: time stands still during a flush. */
    static final Clock NO_CLOCK = null;

    final int conv;
    final int mtu;
    final int mss;
    private final Output output;
    /** Read after each output datagram during a flush; null: the flush's {@code now} is used throughout. */
    private final Clock clock;

    private final byte[] buffer;
    private final int headroom;
    private int bufferLength;

    private boolean dead;
    private int sndUna;
    private int sndNxt;
    private int rcvNxt;

    private int ssthresh = THRESH_INIT;
    private int rxRttvar;
    private int rxSrtt;
    private int rxRto = RTO_DEF;
    private int rxMinrto;
    private final int sndWnd;
    private final int rcvWnd;
    private int rmtWnd;
    private int cwnd = 1;
    private int incr;

    private int probe;
    private int tsProbe;
    private int probeWait;

    private final int interval;
    private final boolean nodelay;
    private final int deadLink;
    private final int fastresend;
    private final boolean nocwnd;
    private final boolean stream;

    private final SegmentPool pool;
    /** Counts the received bytes held here (receive queue and reorder buffer); shared by the whole process. */
    private final MemoryBudget memory;
    /** Bytes this session has acquired from {@link #memory}: the payloads in rcvQueue and rcvBuf. */
    private long heldBytes;
    /** The window last advertised while the budget held it below the free queue space; -1 when not clamped. */
    private int clampedAt = -1;

    private final SegmentRing sndQueue = new SegmentRing();
    private final SegmentRing sndBuf = new SegmentRing();
    private final SegmentRing rcvQueue = new SegmentRing();
    /** Head segment bytes already consumed by a stream-mode read. */
    private int rcvQueueHeadOffset;

    private Segment[] rcvBuf = new Segment[16];
    private int rcvBufCount;
    private int[] ackSn = new int[16];
    private int[] ackTs = new int[16];
    private int ackCount;
    /** Leading segments of snd_buf that have been sent at least once (the rest are new). */
    private int sentPrefix;
    /** A lower bound of resendts over the sent segments (exact after a full scan). */
    private int earliestResend;
    /** Some sent segment has duplicate-ACK counts: the next flush must look at all of them. */
    private boolean fastackPending;

    private static final int FLUSH_NONE = 0;
    private static final int FLUSH_ACK_ONLY = 1;
    private static final int FLUSH_FULL = 2;
    /** The eager flush the last inputs asked for (kcp-go flushes at the end of Input). */
    private int pendingFlush;
    /** Sequence numbers ACKed by the datagram being input, for fast-ACK counting. */
    private int[] ackedScratch = new int[64];

    private int ackedCount;

    // Counters (read under the session lock).
    long segmentsSent;
    long segmentsReceived;
    long retransmitsRto;
    long retransmitsFast;
    long retransmitsEarly;
    long duplicateSegments;
    long windowProbesSent;
    long windowProbesReceived;
    long droppedInputs;

    /**
     * @param buffer   output buffer; segments are written from {@code headroom} and never past
     *                 {@code headroom + mtu}
     */
    Kcp(int conv, KcpConfig config, int mtu, byte[] buffer, int headroom, Output output) {
        this(conv, config, mtu, buffer, headroom, output, MemoryBudget.unlimited(), NO_CLOCK);
    }

    /**
     * @param memory counts received bytes held by this session; while it is exhausted the advertised receive window
     *               shrinks (see {@link #BUDGET_FLOOR_SEGMENTS})
     */
    Kcp(int conv, KcpConfig config, int mtu, byte[] buffer, int headroom, Output output, MemoryBudget memory) {
        this(conv, config, mtu, buffer, headroom, output, memory, NO_CLOCK);
    }

    /**
     * @param clock read after each datagram a flush outputs, so segments sent later in the same flush get later send
     *              times and retransmission deadlines; {@link #NO_CLOCK} keeps the flush's {@code now}
     */
    Kcp(
            int conv,
            KcpConfig config,
            int mtu,
            byte[] buffer,
            int headroom,
            Output output,
            MemoryBudget memory,
            Clock clock) {
        this.memory = memory;
        this.clock = clock;
        if (mtu <= OVERHEAD) {
            throw new IllegalArgumentException("KCP MTU " + mtu + " leaves no room for a segment");
        }
        if (buffer.length < headroom + mtu) {
            throw new IllegalArgumentException(
                    "output buffer of " + buffer.length + " bytes cannot hold headroom " + headroom + " + mtu " + mtu);
        }
        this.conv = conv;
        this.mtu = mtu;
        this.mss = mtu - OVERHEAD;
        this.buffer = buffer;
        this.headroom = headroom;
        this.output = output;
        this.sndWnd = config.sndwnd();
        this.rcvWnd = config.rcvwnd();
        this.rmtWnd = config.rcvwnd();
        this.interval = config.intervalMs();
        this.nodelay = config.nodelay() != 0;
        this.rxMinrto = nodelay ? RTO_NDL : RTO_MIN;
        this.deadLink = config.deadLinkRetransmits();
        this.fastresend = config.resend();
        this.nocwnd = config.noCongestion();
        this.stream = config.streamMode();
        // Everything the windows can hold at once, so a session at full speed never drops a
        // segment it will need again a round trip later; the receive side can briefly hold up to
        // rcv_wnd out-of-order segments besides rcv_wnd queued ones, which then simply allocate.
        this.pool = new SegmentPool(mss, config.sndwnd() + config.rcvwnd());
    }

    // ---------------------------------------------------------------- user side

    /**
     * Queues {@code len} bytes for sending. Returns 0, -1 for an empty buffer, -2 if a message
     * (message mode) needs more than 255 fragments.
     */
    int send(byte[] src, int off, int len) {
        if (len <= 0) {
            return -1;
        }
        if (stream) {
            Segment last = sndQueue.last();
            if (last != null && last.len < mss) {
                int extend = Math.min(len, mss - last.len);
                System.arraycopy(src, off, last.data, last.len, extend);
                last.len += extend;
                off += extend;
                len -= extend;
            }
            if (len == 0) {
                return 0;
            }
        }
        int count = (len + mss - 1) / mss;
        if (count > 255 && !stream) {
            return -2;
        }
        for (int i = 0; i < count; i++) {
            int size = Math.min(len, mss);
            Segment segment = pool.take(mss);
            System.arraycopy(src, off, segment.data, 0, size);
            segment.len = size;
            segment.frg = stream ? 0 : count - i - 1;
            sndQueue.add(segment);
            off += size;
            len -= size;
        }
        return 0;
    }

    /** Stream mode: bytes that {@link #read} can return now. */
    int readable() {
        int total = -rcvQueueHeadOffset;
        for (int i = 0; i < rcvQueue.size(); i++) {
            total += rcvQueue.get(i).len;
        }
        return total;
    }

    boolean hasReadable() {
        return !rcvQueue.isEmpty();
    }

    /**
     * Stream mode read: copies up to {@code len} bytes from the in-order receive queue, consuming
     * segments (or part of the head segment). Returns the bytes copied, 0 if nothing is ready.
     */
    int read(byte[] dst, int off, int len) {
        boolean fastRecover = rcvQueue.size() >= rcvWnd;
        int copied = 0;
        long freed = 0;
        while (copied < len && !rcvQueue.isEmpty()) {
            Segment head = rcvQueue.first();
            int n = Math.min(len - copied, head.len - rcvQueueHeadOffset);
            System.arraycopy(head.data, rcvQueueHeadOffset, dst, off + copied, n);
            copied += n;
            rcvQueueHeadOffset += n;
            if (rcvQueueHeadOffset == head.len) {
                rcvQueue.poll();
                rcvQueueHeadOffset = 0;
                freed += head.len;
                pool.give(head);
            }
        }
        releaseHeld(freed);
        afterConsume(fastRecover);
        return copied;
    }

    /** Message mode: size of the next whole message, -1 if none is complete. */
    int peekSize() {
        Segment head = rcvQueue.first();
        if (head == null) {
            return -1;
        }
        if (head.frg == 0) {
            return head.len;
        }
        if (rcvQueue.size() < head.frg + 1) {
            return -1;
        }
        int length = 0;
        for (int i = 0; i < rcvQueue.size(); i++) {
            Segment segment = rcvQueue.get(i);
            length += segment.len;
            if (segment.frg == 0) {
                break;
            }
        }
        return length;
    }

    /** Message mode receive (ikcp_recv): -1 nothing complete, -2 {@code dst} too small. */
    int recv(byte[] dst, int off, int len) {
        int size = peekSize();
        if (size < 0) {
            return -1;
        }
        if (size > len) {
            return -2;
        }
        boolean fastRecover = rcvQueue.size() >= rcvWnd;
        int n = 0;
        while (!rcvQueue.isEmpty()) {
            Segment segment = rcvQueue.poll();
            System.arraycopy(segment.data, 0, dst, off + n, segment.len);
            n += segment.len;
            int frg = segment.frg;
            pool.give(segment);
            if (frg == 0) {
                break;
            }
        }
        releaseHeld(n);
        afterConsume(fastRecover);
        return n;
    }

    private void afterConsume(boolean fastRecover) {
        moveReceiveBufferToQueue();
        if (fastRecover && rcvQueue.size() < rcvWnd) {
            // The window was closed and is open again: tell the peer without waiting for its probe.
            probe |= ASK_TELL;
        }
    }

    private void releaseHeld(long n) {
        if (n > 0) {
            heldBytes -= n;
            memory.release(n);
        }
    }

    /**
     * Drops everything received and not yet read and gives its bytes back to the memory budget: the session is
     * closed and nobody will read them. Later input stores nothing more only because the session stops feeding it.
     */
    void releaseReceived() {
        Segment segment;
        while ((segment = rcvQueue.poll()) != null) {
            pool.give(segment);
        }
        rcvQueueHeadOffset = 0;
        for (int i = 0; i < rcvBuf.length; i++) {
            if (rcvBuf[i] != null) {
                pool.give(rcvBuf[i]);
                rcvBuf[i] = null;
            }
        }
        rcvBufCount = 0;
        releaseHeld(heldBytes);
        clampedAt = -1;
    }

    /** Received bytes this session holds against the memory budget. */
    long heldBytes() {
        return heldBytes;
    }

    /** Segments waiting to be acknowledged or sent (kcp-go WaitSnd). */
    int waitSnd() {
        return sndBuf.size() + sndQueue.size();
    }

    // ---------------------------------------------------------------- wire input

    /**
     * Feeds one decoded KCP datagram (one or more segments). Never throws on malformed input:
     * returns a negative INPUT_* code and counts the drop. Never calls {@link Output}: an eager
     * flush (window moved, fast retransmit due, ACKs to send) is left for {@link #flushPending}.
     *
     * @param regular false for payloads rebuilt by FEC: their window and timestamps are not trusted
     */
    int input(byte[] data, int off, int len, int now, boolean regular, boolean ackNoDelay) {
        if (len < OVERHEAD) {
            droppedInputs++;
            return INPUT_TOO_SHORT;
        }
        int oldSndUna = sndUna;
        ackedCount = 0;
        boolean flushSegments = false;
        boolean haveAck = false;
        int latestTs = 0;
        int maxAck = 0;
        int maxAckTs = 0;
        boolean haveMaxAck = false;
        int result = INPUT_OK;
        int end = off + len;
        while (end - off >= OVERHEAD) {
            int segConv = Bytes.int32(data, off);
            int cmd = data[off + 4] & 0xFF;
            int frg = data[off + 5] & 0xFF;
            int wnd = Bytes.uint16(data, off + 6);
            int ts = Bytes.int32(data, off + 8);
            int sn = Bytes.int32(data, off + 12);
            int una = Bytes.int32(data, off + 16);
            long length = Bytes.int32(data, off + 20) & 0xFFFF_FFFFL;
            off += OVERHEAD;
            if (segConv != conv) {
                result = INPUT_CONV_MISMATCH;
                break;
            }
            if (end - off < length) {
                result = INPUT_TRUNCATED;
                break;
            }
            if (cmd != CMD_PUSH && cmd != CMD_ACK && cmd != CMD_WASK && cmd != CMD_WINS) {
                result = INPUT_BAD_CMD;
                break;
            }
            int segLen = (int) length;
            if (regular) {
                rmtWnd = wnd;
            }
            if (parseUna(una) > 0) {
                flushSegments = true;
            }
            shrinkBuf();
            switch (cmd) {
                case CMD_ACK -> {
                    parseAck(sn);
                    if (diff(sn, sndUna) >= 0 && diff(sn, sndNxt) < 0) {
                        if (ackedCount == ackedScratch.length) {
                            ackedScratch = Arrays.copyOf(ackedScratch, ackedCount * 2);
                        }
                        ackedScratch[ackedCount++] = sn;
                    }
                    if (!haveMaxAck || diff(sn, maxAck) > 0) {
                        haveMaxAck = true;
                        maxAck = sn;
                        maxAckTs = ts;
                    }
                    haveAck = true;
                    latestTs = ts;
                }
                case CMD_PUSH -> {
                    boolean repeat = true;
                    if (diff(sn, rcvNxt + rcvWnd) < 0) {
                        ackPush(sn, ts);
                        if (diff(sn, rcvNxt) >= 0) {
                            repeat = parseData(sn, frg, ts, data, off, segLen);
                        }
                    }
                    if (regular && repeat) {
                        duplicateSegments++;
                    }
                }
                case CMD_WASK -> {
                    probe |= ASK_TELL;
                    windowProbesReceived++;
                }
                default -> {
                    // CMD_WINS: the window update already happened above.
                }
            }
            segmentsReceived++;
            off += segLen;
        }
        if (result != INPUT_OK || off != end) {
            droppedInputs++;
            if (result == INPUT_OK) {
                result = INPUT_TRUNCATED;
            }
        }
        if (haveMaxAck && parseFastack(maxAck, maxAckTs)) {
            flushSegments = true;
        }
        if (haveAck && regular && diff(now, latestTs) >= 0) {
            updateAck(diff(now, latestTs));
        }
        if (!nocwnd && diff(sndUna, oldSndUna) > 0 && cwnd < rmtWnd) {
            growCwnd();
        }
        // What kcp-go flushes at the end of Input is only recorded here and done by
        // flushPending once the codec has finished decoding (it must not encode meanwhile).
        if (flushSegments) {
            pendingFlush = FLUSH_FULL;
        } else if (ackCount >= mtu / OVERHEAD) {
            // ACK clocking on fast links: a datagram full of ACKs leaves at once.
            pendingFlush = Math.max(pendingFlush, FLUSH_ACK_ONLY);
        } else if (ackNoDelay && ackCount > 0) {
            pendingFlush = Math.max(pendingFlush, FLUSH_ACK_ONLY);
        }
        return result;
    }

    private void growCwnd() {
        if (cwnd < ssthresh) {
            cwnd++;
            incr += mss;
        } else {
            if (incr < mss) {
                incr = mss;
            }
            incr += (mss * mss) / incr + (mss / 16);
            if ((cwnd + 1) * mss <= incr) {
                cwnd = (incr + mss - 1) / mss;
            }
        }
        if (cwnd > rmtWnd) {
            cwnd = rmtWnd;
            incr = rmtWnd * mss;
        }
    }

    private void updateAck(int rtt) {
        if (rxSrtt == 0) {
            rxSrtt = rtt;
            rxRttvar = rtt >> 1;
        } else {
            int delta = rtt - rxSrtt;
            rxSrtt += delta >> 3;
            if (delta < 0) {
                delta = -delta;
            }
            if (rtt < rxSrtt - rxRttvar) {
                rxRttvar += (delta - rxRttvar) >> 5;
            } else {
                rxRttvar += (delta - rxRttvar) >> 2;
            }
        }
        long rto = (long) rxSrtt + Math.max(interval, rxRttvar << 2);
        rxRto = (int) Math.min(Math.max(rxMinrto, rto), RTO_MAX);
    }

    private void shrinkBuf() {
        Segment first = sndBuf.first();
        sndUna = first != null ? first.sn : sndNxt;
    }

    private void parseAck(int sn) {
        if (diff(sn, sndUna) < 0 || diff(sn, sndNxt) >= 0) {
            return;
        }
        // snd_buf holds consecutive sequence numbers starting at snd_una.
        int index = sn - sndUna;
        if (index >= sndBuf.size()) {
            return;
        }
        Segment segment = sndBuf.get(index);
        if (segment.sn == sn) {
            segment.acked = true;
        }
    }

    /**
     * kcp-go counts, for every segment, each ACK of a later segment whose send time is not older
     * than the ACK's echo. The ACKs of one datagram are sorted once and swept together with the
     * send buffer, so this is O(window + acks) per datagram instead of O(window × acks).
     */
    private boolean parseFastack(int maxAck, int ts) {
        if (ackedCount == 0 || diff(maxAck, sndUna) < 0 || diff(maxAck, sndNxt) >= 0) {
            return false;
        }
        for (int i = 0; i < ackedCount; i++) {
            ackedScratch[i] -= sndUna; // offsets; negative ones are already below una
        }
        Arrays.sort(ackedScratch, 0, ackedCount);
        boolean trigger = false;
        int p = 0;
        int range = Math.min(maxAck - sndUna, sndBuf.size());
        for (int i = 0; i < range; i++) {
            while (p < ackedCount && ackedScratch[p] <= i) {
                p++;
            }
            int later = ackedCount - p;
            Segment segment = sndBuf.get(i);
            if (later > 0 && !segment.acked && segment.fastack != -1 && diff(segment.ts, ts) <= 0) {
                segment.fastack += later;
                fastackPending = true;
                if (fastresend > 0 && segment.fastack >= fastresend) {
                    trigger = true;
                }
            }
        }
        return trigger;
    }

    private int parseUna(int una) {
        int count = 0;
        Segment segment;
        while ((segment = sndBuf.first()) != null && diff(una, segment.sn) > 0) {
            sndBuf.poll();
            pool.give(segment);
            count++;
        }
        sentPrefix = Math.max(0, sentPrefix - count);
        return count;
    }

    private void ackPush(int sn, int ts) {
        if (ackCount == ackSn.length) {
            ackSn = Arrays.copyOf(ackSn, ackCount * 2);
            ackTs = Arrays.copyOf(ackTs, ackCount * 2);
        }
        ackSn[ackCount] = sn;
        ackTs[ackCount] = ts;
        ackCount++;
    }

    /** Returns true if the segment was a duplicate. */
    private boolean parseData(int sn, int frg, int ts, byte[] data, int off, int len) {
        int offset = sn - rcvNxt; // 0 <= offset < rcvWnd, checked by the caller
        if (offset >= rcvBuf.length) {
            growReceiveBuffer(offset);
        }
        int slot = sn & (rcvBuf.length - 1);
        if (rcvBuf[slot] != null) {
            return true;
        }
        Segment segment = pool.take(len);
        System.arraycopy(data, off, segment.data, 0, len);
        segment.len = len;
        segment.sn = sn;
        segment.frg = frg;
        segment.ts = ts;
        rcvBuf[slot] = segment;
        rcvBufCount++;
        // Counted even past the limit: the peer sent it within a window we advertised.
        heldBytes += len;
        memory.acquire(len);
        moveReceiveBufferToQueue();
        return false;
    }

    private void growReceiveBuffer(int offset) {
        int size = rcvBuf.length;
        while (size <= offset) {
            size <<= 1;
        }
        Segment[] bigger = new Segment[size];
        for (Segment segment : rcvBuf) {
            if (segment != null) {
                bigger[segment.sn & (size - 1)] = segment;
            }
        }
        rcvBuf = bigger;
    }

    private void moveReceiveBufferToQueue() {
        while (rcvBufCount > 0 && rcvQueue.size() < rcvWnd) {
            int slot = rcvNxt & (rcvBuf.length - 1);
            Segment segment = rcvBuf[slot];
            if (segment == null || segment.sn != rcvNxt) {
                break;
            }
            rcvBuf[slot] = null;
            rcvBufCount--;
            rcvQueue.add(segment);
            rcvNxt++;
        }
    }

    private int wndUnused() {
        return rcvQueue.size() < rcvWnd ? rcvWnd - rcvQueue.size() : 0;
    }

    /**
     * The window to advertise: the free queue space, cut to what the memory budget has left (in segments). A session
     * whose queue is empty keeps {@link #BUDGET_FLOOR_SEGMENTS}, so one whose reader keeps up is never shut out.
     */
    private int advertisedWindow(int unused) {
        if (memory.isUnlimited()) {
            return unused;
        }
        long segments = memory.free() / mss;
        if (rcvQueue.isEmpty()) {
            segments = Math.max(segments, BUDGET_FLOOR_SEGMENTS);
        }
        return (int) Math.min(unused, segments);
    }

    // ---------------------------------------------------------------- output

    /**
     * Performs the flush that {@link #input} asked for, if any, except for retransmissions on timeout: those are
     * left to the timer's {@link #flush}. This flush runs after each input datagram, while the ACKs that arrived
     * behind it still wait to be input (a full window's ACKs come back in a burst): deciding timeouts here would
     * resend segments whose ACKs have already arrived. New segments, fast and early retransmits still go at once.
     */
    void flushPending(int now) {
        int mode = pendingFlush;
        if (mode != FLUSH_NONE) {
            flush(now, mode == FLUSH_ACK_ONLY, false);
        }
    }

    /**
     * Sends pending ACKs and window probes, moves queued segments into the window and (unless
     * {@code ackOnly}) transmits new, fast-retransmitted and timed-out segments, packing them into
     * datagrams of at most {@code mtu} bytes. One pass over the send buffer.
     *
     * @return milliseconds until the next flush is due (at most the interval)
     */
    int flush(int now, boolean ackOnly) {
        return flush(now, ackOnly, true);
    }

    private int flush(int now, boolean ackOnly, boolean timeouts) {
        pendingFlush = FLUSH_NONE;
        int unused = wndUnused();
        int wnd = advertisedWindow(unused);
        if (clampedAt >= 0 && wnd > clampedAt) {
            // Memory was freed elsewhere: the peer may be waiting on a small window and hears about it only now.
            probe |= ASK_TELL;
        }
        clampedAt = wnd < unused ? wnd : -1;
        bufferLength = 0;

        for (int i = 0; i < ackCount; i++) {
            // Skip ACKs below rcv_nxt (the una in every header covers them), but keep the last
            // one so the peer's RTT estimate and fast-ACK counting still get a sample.
            if (diff(ackSn[i], rcvNxt) >= 0 || i == ackCount - 1) {
                now = makeSpace(OVERHEAD, now);
                encodeHeader(CMD_ACK, 0, wnd, ackTs[i], ackSn[i], 0);
            }
        }
        ackCount = 0;

        if (rmtWnd == 0) {
            if (probeWait == 0) {
                probeWait = PROBE_INIT;
                tsProbe = now + probeWait;
            } else if (diff(now, tsProbe) >= 0) {
                if (probeWait < PROBE_INIT) {
                    probeWait = PROBE_INIT;
                }
                probeWait += probeWait / 2;
                if (probeWait > PROBE_LIMIT) {
                    probeWait = PROBE_LIMIT;
                }
                tsProbe = now + probeWait;
                probe |= ASK_SEND;
            }
        } else {
            tsProbe = 0;
            probeWait = 0;
        }
        if ((probe & ASK_SEND) != 0) {
            now = makeSpace(OVERHEAD, now);
            encodeHeader(CMD_WASK, 0, wnd, 0, 0, 0);
            windowProbesSent++;
        }
        if ((probe & ASK_TELL) != 0) {
            now = makeSpace(OVERHEAD, now);
            encodeHeader(CMD_WINS, 0, wnd, 0, 0, 0);
        }
        probe = 0;

        int effectiveWnd = Math.min(sndWnd, rmtWnd);
        if (!nocwnd) {
            effectiveWnd = Math.min(cwnd, effectiveWnd);
        }
        int newSegments = 0;
        while (diff(sndNxt, sndUna + effectiveWnd) < 0 && !sndQueue.isEmpty()) {
            Segment segment = sndQueue.poll();
            segment.sn = sndNxt++;
            sndBuf.add(segment);
            newSegments++;
        }

        int resent = fastresend > 0 ? fastresend : Integer.MAX_VALUE;
        int nextUpdate = interval;
        int change = 0;
        int lost = 0;
        if (!ackOnly) {
            // Segments already sent need a look only when an RTO may have expired or duplicate
            // ACKs were counted; otherwise only the unsent tail is visited, so an ACK-driven flush
            // costs O(new segments), not O(window).
            boolean scanAll = fastackPending || (timeouts && sentPrefix > 0 && diff(now, earliestResend) >= 0);
            int from = scanAll ? 0 : sentPrefix;
            if (scanAll) {
                fastackPending = false;
            }
            if (scanAll || sentPrefix == 0) {
                earliestResend = now + RTO_MAX;
            }
            for (int i = from; i < sndBuf.size(); i++) {
                Segment segment = sndBuf.get(i);
                if (segment.acked) {
                    continue;
                }
                boolean needsend = false;
                if (segment.xmit == 0) {
                    needsend = true;
                    segment.rto = rxRto;
                } else if (segment.fastack != -1 && segment.fastack >= resent) {
                    needsend = true;
                    segment.fastack = -1; // wait for the RTO before counting again
                    segment.rto = rxRto;
                    change++;
                    retransmitsFast++;
                } else if (segment.fastack > 0 && newSegments == 0) {
                    needsend = true;
                    segment.fastack = -1;
                    segment.rto = rxRto;
                    change++;
                    retransmitsEarly++;
                } else if (timeouts && diff(now, segment.resendts) >= 0) {
                    needsend = true;
                    segment.rto += nodelay ? rxRto / 2 : rxRto;
                    segment.fastack = 0;
                    lost++;
                    retransmitsRto++;
                }
                if (needsend) {
                    // Output of the datagrams before this one took time: stamp and time this
                    // segment from when it leaves, not from when the flush began.
                    now = makeSpace(OVERHEAD + segment.len, now);
                    segment.resendts = now + segment.rto;
                    segment.xmit++;
                    segment.ts = now;
                    encodeHeader(CMD_PUSH, segment.frg, wnd, segment.ts, segment.sn, segment.len);
                    System.arraycopy(segment.data, 0, buffer, headroom + bufferLength, segment.len);
                    bufferLength += segment.len;
                    if (segment.xmit >= deadLink) {
                        dead = true;
                    }
                }
                if (segment.fastack > 0) {
                    fastackPending = true; // an early retransmit candidate for a later flush
                }
                if (diff(segment.resendts, earliestResend) < 0) {
                    earliestResend = segment.resendts;
                }
            }
            sentPrefix = sndBuf.size();
            int untilResend = diff(earliestResend, now);
            if (sentPrefix > 0 && untilResend > 0 && untilResend < nextUpdate) {
                nextUpdate = untilResend;
            }
        }
        if (bufferLength > 0) {
            output.output(buffer, headroom, bufferLength);
            bufferLength = 0;
        }

        if (!nocwnd) {
            if (change > 0) {
                int inflight = sndNxt - sndUna;
                ssthresh = Math.max(inflight / 2, THRESH_MIN);
                cwnd = ssthresh + resent;
                incr = cwnd * mss;
            }
            if (lost > 0) {
                ssthresh = Math.max(effectiveWnd / 2, THRESH_MIN);
                cwnd = 1;
                incr = mss;
            }
            if (cwnd < 1) {
                cwnd = 1;
                incr = mss;
            }
        }
        return nextUpdate;
    }

    /**
     * Outputs the datagram being packed if {@code space} more bytes do not fit. Returns the time after that output
     * ({@code now} if nothing was output or there is no clock).
     */
    private int makeSpace(int space, int now) {
        if (bufferLength + space > mtu) {
            output.output(buffer, headroom, bufferLength);
            bufferLength = 0;
            return clock != null ? clock.nowMs() : now;
        }
        return now;
    }

    private void encodeHeader(int cmd, int frg, int wnd, int ts, int sn, int len) {
        int p = headroom + bufferLength;
        Bytes.putInt32(buffer, p, conv);
        buffer[p + 4] = (byte) cmd;
        buffer[p + 5] = (byte) frg;
        Bytes.putUint16(buffer, p + 6, wnd);
        Bytes.putInt32(buffer, p + 8, ts);
        Bytes.putInt32(buffer, p + 12, sn);
        Bytes.putInt32(buffer, p + 16, rcvNxt);
        Bytes.putInt32(buffer, p + 20, len);
        bufferLength += OVERHEAD;
        segmentsSent++;
    }

    // ---------------------------------------------------------------- state

    /** True if anything needs the timer: data queued or in flight, ACKs or probes pending. */
    boolean hasPendingWork() {
        // A window held small by the memory budget keeps the timer going, to announce it when memory comes back.
        return !sndBuf.isEmpty() || !sndQueue.isEmpty() || ackCount > 0 || probe != 0 || clampedAt >= 0;
    }

    boolean wantsWindowTell() {
        return (probe & ASK_TELL) != 0;
    }

    boolean isDead() {
        return dead;
    }

    /** Releases pooled and oversized buffers of an idle session. */
    void trim() {
        pool.trim();
        if (sndBuf.isEmpty()) {
            sndBuf.compact();
        }
        if (sndQueue.isEmpty()) {
            sndQueue.compact();
        }
        if (rcvQueue.isEmpty()) {
            rcvQueue.compact();
        }
        if (rcvBufCount == 0 && rcvBuf.length > 16) {
            rcvBuf = new Segment[16];
        }
    }

    int srtt() {
        return rxSrtt;
    }

    int rto() {
        return rxRto;
    }

    int cwnd() {
        return cwnd;
    }

    int remoteWindow() {
        return rmtWnd;
    }

    int sendWindow() {
        return sndWnd;
    }

    int sendQueueSize() {
        return sndQueue.size();
    }

    int sendBufferSize() {
        return sndBuf.size();
    }

    int receiveQueueSize() {
        return rcvQueue.size();
    }

    int receiveBufferSize() {
        return rcvBufCount;
    }

    int pooledSegments() {
        return pool.pooled();
    }

    long segmentsAllocated() {
        return pool.allocated();
    }

    int sndUna() {
        return sndUna;
    }

    int rcvNxt() {
        return rcvNxt;
    }

    static int diff(int later, int earlier) {
        return later - earlier;
    }
}
