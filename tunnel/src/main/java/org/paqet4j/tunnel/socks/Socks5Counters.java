package org.paqet4j.tunnel.socks;

import java.util.concurrent.atomic.LongAdder;

/** What a SOCKS5 listener did, for logs and the status endpoint. */
public final class Socks5Counters {

    final LongAdder connections = new LongAdder();
    final LongAdder handshakesOk = new LongAdder();
    final LongAdder udpAssociationsOpened = new LongAdder();
    final LongAdder handshakeFailures = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder tunnelFailures = new LongAdder();
    final LongAdder udpFragmentsDropped = new LongAdder();
    final LongAdder udpMalformedDropped = new LongAdder();
    final LongAdder udpForeignDropped = new LongAdder();
    final LongAdder udpTargetLimitDropped = new LongAdder();
    final LongAdder udpRepliesDropped = new LongAdder();
    final LongAdder udpIdleClosed = new LongAdder();
    final LongAdder udpAssociationsRefused = new LongAdder();
    final LongAdder authThrottled = new LongAdder();

    public long connections() {
        return connections.sum();
    }

    /** Handshakes that ended with a success reply: a CONNECT stream or a UDP association is up. */
    public long handshakesOk() {
        return handshakesOk.sum();
    }

    /** UDP associations that were set up (their relay socket bound and the client told where). */
    public long udpAssociationsOpened() {
        return udpAssociationsOpened.sum();
    }

    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    public long authFailures() {
        return authFailures.sum();
    }

    public long tunnelFailures() {
        return tunnelFailures.sum();
    }

    /** UDP datagrams with FRAG != 0: fragmentation is optional in RFC 1928 and not supported. */
    public long udpFragmentsDropped() {
        return udpFragmentsDropped.sum();
    }

    public long udpMalformedDropped() {
        return udpMalformedDropped.sum();
    }

    /** UDP datagrams from an address other than the association's client. */
    public long udpForeignDropped() {
        return udpForeignDropped.sum();
    }

    public long udpTargetLimitDropped() {
        return udpTargetLimitDropped.sum();
    }

    /** Replies from the tunnel the relay socket refused to send to the client (too large, no buffer space). */
    public long udpRepliesDropped() {
        return udpRepliesDropped.sum();
    }

    /** UDP associations closed because no datagram moved either way for the idle timeout. */
    public long udpIdleClosed() {
        return udpIdleClosed.sum();
    }

    /** UDP ASSOCIATE requests refused because the listener already had its maximum of associations. */
    public long udpAssociationsRefused() {
        return udpAssociationsRefused.sum();
    }

    /** Authentications refused unchecked because their source address was still waiting out earlier failures. */
    public long authThrottled() {
        return authThrottled.sum();
    }
}
