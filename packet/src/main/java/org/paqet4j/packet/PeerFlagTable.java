package org.paqet4j.packet;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The raw carrier's per-peer flag cycles, bounded so that peers cannot grow it without limit. */
final class PeerFlagTable implements PeerFlags {

    private static final Logger LOG = LoggerFactory.getLogger(PeerFlagTable.class);

    private final ConcurrentHashMap<InetSocketAddress, FlagCycle> cycles = new ConcurrentHashMap<>();
    private final int maxPeers;
    private final String owner;

    /** @param owner names the carrier in the warning when the table is full */
    PeerFlagTable(int maxPeers, String owner) {
        this.maxPeers = maxPeers;
        this.owner = owner;
    }

    @Override
    public void set(InetSocketAddress peer, short[] masks) {
        if (cycles.size() >= maxPeers && !cycles.containsKey(peer)) {
            LOG.warn("{}: {} peers have their own flags; ignoring flags of {}", owner, maxPeers, peer);
            return;
        }
        cycles.put(peer, new FlagCycle(masks));
    }

    @Override
    public void clear(InetSocketAddress peer) {
        cycles.remove(peer);
    }

    /** The next flags for {@code peer}, or {@code fallback}'s when it has none of its own. */
    int next(InetSocketAddress peer, FlagCycle fallback) {
        if (!cycles.isEmpty()) {
            FlagCycle cycle = cycles.get(peer);
            if (cycle != null) {
                return cycle.next();
            }
        }
        return fallback.next();
    }
}
