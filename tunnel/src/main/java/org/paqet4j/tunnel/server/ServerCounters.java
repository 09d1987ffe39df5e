package org.paqet4j.tunnel.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the server did, for logs and the status endpoint. */
public final class ServerCounters {

    final AtomicInteger activeSessions = new AtomicInteger();
    final AtomicInteger activeStreams = new AtomicInteger();
    final LongAdder rejectedSessions = new LongAdder();
    final LongAdder rejectedStreams = new LongAdder();
    final LongAdder headerErrors = new LongAdder();
    final LongAdder deniedTargets = new LongAdder();
    final LongAdder dialFailures = new LongAdder();
    final LongAdder dialTimeouts = new LongAdder();
    final LongAdder dialsOk = new LongAdder();
    final LongAdder pings = new LongAdder();
    final LongAdder tcpStreams = new LongAdder();
    final LongAdder udpStreams = new LongAdder();
    final LongAdder udpDropped = new LongAdder();

    public int activeSessions() {
        return activeSessions.get();
    }

    public int activeStreams() {
        return activeStreams.get();
    }

    public long rejectedSessions() {
        return rejectedSessions.sum();
    }

    public long rejectedStreams() {
        return rejectedStreams.sum();
    }

    public long headerErrors() {
        return headerErrors.sum();
    }

    public long deniedTargets() {
        return deniedTargets.sum();
    }

    public long dialFailures() {
        return dialFailures.sum();
    }

    /** Dials that failed because the target did not answer in time (also counted in {@link #dialFailures()}). */
    public long dialTimeouts() {
        return dialTimeouts.sum();
    }

    /** Dials that connected (TCP) or opened a socket (UDP). */
    public long dialsOk() {
        return dialsOk.sum();
    }

    public long pings() {
        return pings.sum();
    }

    public long tcpStreams() {
        return tcpStreams.sum();
    }

    public long udpStreams() {
        return udpStreams.sum();
    }

    /** Datagrams from clients the target's socket refused to send (too large, no buffer space, no route). */
    public long udpDropped() {
        return udpDropped.sum();
    }
}
