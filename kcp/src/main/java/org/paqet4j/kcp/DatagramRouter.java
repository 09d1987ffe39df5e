package org.paqet4j.kcp;

import java.net.InetSocketAddress;

/** Hands the datagrams one carrier receives to the sessions they belong to. */
interface DatagramRouter {

    /**
     * Called on the carrier's receive thread; {@code buf} is reused after the call returns. Eager
     * flushes collect their datagrams in {@code out}, the receive thread's batch.
     */
    void route(InetSocketAddress peer, byte[] buf, int length, OutputBatch out);

    /** The carrier closed: end every session that used it. */
    void carrierClosed();
}
