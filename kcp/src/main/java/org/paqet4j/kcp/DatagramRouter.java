package org.paqet4j.kcp;

import java.net.InetSocketAddress;

/** Hands the datagrams one carrier receives to the sessions they belong to. */
interface DatagramRouter {

    /**
     * Called on the carrier's receive thread; {@code buf} is reused after the call returns. Inputs
     * the datagram without flushing and adds the session it went to to {@code touched}: the receive
     * thread runs each touched session's eager flush once its batch is over.
     */
    void route(InetSocketAddress peer, byte[] buf, int length, TouchedSessions touched);

    /** The carrier closed: end every session that used it. */
    void carrierClosed();
}
