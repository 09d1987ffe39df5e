package org.paqet4j.reassembly;

/** Both directions of one stream and what the reassembler tracks about it. */
final class Connection {

    /** What a connection costs beyond its buffered data (objects, map entry, handler); counted in the budget. */
    static final int OVERHEAD = 1024;

    final ConnectionKey key;
    final StreamInfo info;
    final HalfStream fromNode0;
    final HalfStream fromNode1;
    long lastSeenNanos;
    boolean rstSeen;
    /** FIN seen from both sides or an accepted RST: the reassembler's linger order holds it. */
    boolean lingering;
    /** {@link #lastSeenNanos} when it took its place in the linger order (later packets do not move it). */
    long lingerQueuedNanos;

    Connection(ConnectionKey key, StreamInfo info, StreamHandler handler, ReassemblyConfig config, Counters counters) {
        this.key = key;
        this.info = info;
        // each direction is reassembled as its receiver would
        this.fromNode0 = new HalfStream(
                config.policyFor(info.node1().address()), config.ackGated(), Direction.FROM_NODE0, handler, counters);
        this.fromNode1 = new HalfStream(
                config.policyFor(info.node0().address()), config.ackGated(), Direction.FROM_NODE1, handler, counters);
    }

    HalfStream sentBy(Endpoint source) {
        return source.equals(info.node0()) ? fromNode0 : fromNode1;
    }

    HalfStream receivedBy(Endpoint source) {
        return source.equals(info.node0()) ? fromNode1 : fromNode0;
    }

    /** Both directions have sent FIN, or a RST was accepted: nothing more is expected but late copies. */
    boolean closed() {
        return rstSeen || (fromNode0.finSeen() && fromNode1.finSeen());
    }

    long buffered() {
        return fromNode0.buffered() + fromNode1.buffered();
    }
}
