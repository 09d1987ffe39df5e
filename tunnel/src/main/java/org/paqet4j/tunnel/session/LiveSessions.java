package org.paqet4j.tunnel.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.kcp.KcpSessionStats;
import org.paqet4j.kcp.codec.CodecCounters;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * The open tunnel sessions of a client or server, read by the status endpoint. A session is added
 * once when it is made and leaves when its KCP session closes, so the data path never touches
 * this registry. What a closed session counted is folded into {@link #retired()}, so totals built
 * from open plus retired sessions only grow.
 */
public final class LiveSessions {

    /**
     * One open session.
     *
     * @param carrier the session's own carrier (client slots); empty when it shares the listener's
     */
    public record Entry(KcpSession kcp, MuxSession mux, Optional<PacketCarrier> carrier, Instant opened) {}

    /** Sums over sessions that have closed. */
    public static final class Retired {
        final LongAdder sessions = new LongAdder();
        final LongAdder bytesWritten = new LongAdder();
        final LongAdder bytesRead = new LongAdder();
        final LongAdder retransmitsRto = new LongAdder();
        final LongAdder retransmitsFast = new LongAdder();
        final LongAdder retransmitsEarly = new LongAdder();
        final LongAdder codecBadChecksum = new LongAdder();
        final LongAdder codecBadTag = new LongAdder();
        final LongAdder codecMalformed = new LongAdder();
        final LongAdder fecRecovered = new LongAdder();
        final LongAdder windowStalls = new LongAdder();
        final LongAdder backlogResets = new LongAdder();
        final LongAdder carrierPacketsSent = new LongAdder();
        final LongAdder carrierBytesSent = new LongAdder();
        final LongAdder carrierPacketsReceived = new LongAdder();
        final LongAdder carrierBytesReceived = new LongAdder();
        final LongAdder carrierDropped = new LongAdder();

        private Retired() {}

        public long sessions() {
            return sessions.sum();
        }

        public long bytesWritten() {
            return bytesWritten.sum();
        }

        public long bytesRead() {
            return bytesRead.sum();
        }

        public long retransmitsRto() {
            return retransmitsRto.sum();
        }

        public long retransmitsFast() {
            return retransmitsFast.sum();
        }

        public long retransmitsEarly() {
            return retransmitsEarly.sum();
        }

        public long codecBadChecksum() {
            return codecBadChecksum.sum();
        }

        public long codecBadTag() {
            return codecBadTag.sum();
        }

        public long codecMalformed() {
            return codecMalformed.sum();
        }

        public long fecRecovered() {
            return fecRecovered.sum();
        }

        public long windowStalls() {
            return windowStalls.sum();
        }

        public long backlogResets() {
            return backlogResets.sum();
        }

        public long carrierPacketsSent() {
            return carrierPacketsSent.sum();
        }

        public long carrierBytesSent() {
            return carrierBytesSent.sum();
        }

        public long carrierPacketsReceived() {
            return carrierPacketsReceived.sum();
        }

        public long carrierBytesReceived() {
            return carrierBytesReceived.sum();
        }

        /** Packets the closed sessions' own carriers dropped (truncated, bad checksum, queue full). */
        public long carrierDropped() {
            return carrierDropped.sum();
        }
    }

    private final Set<Entry> open = ConcurrentHashMap.newKeySet();
    private final Retired retired = new Retired();

    /** Registers a session until its KCP session closes. */
    public void add(KcpSession kcp, MuxSession mux, Optional<PacketCarrier> carrier) {
        Entry entry = new Entry(kcp, mux, carrier, Instant.now());
        open.add(entry);
        kcp.onClose(() -> retire(entry));
    }

    private void retire(Entry entry) {
        if (!open.remove(entry)) {
            return;
        }
        KcpSessionStats s = entry.kcp().stats();
        retired.sessions.increment();
        retired.bytesWritten.add(s.bytesWritten());
        retired.bytesRead.add(s.bytesRead());
        retired.retransmitsRto.add(s.retransmitsRto());
        retired.retransmitsFast.add(s.retransmitsFast());
        retired.retransmitsEarly.add(s.retransmitsEarly());
        CodecCounters c = entry.kcp().codecCounters();
        retired.codecBadChecksum.add(c.badChecksum());
        retired.codecBadTag.add(c.badTag());
        retired.codecMalformed.add(c.malformed());
        retired.fecRecovered.add(c.fecRecovered());
        retired.windowStalls.add(entry.mux().windowStalls());
        retired.backlogResets.add(entry.mux().backlogResets());
        entry.carrier().ifPresent(carrier -> {
            // The carrier may still count a last packet after this; it is closing, that one is lost.
            CarrierCounters cc = carrier.counters();
            retired.carrierPacketsSent.add(cc.packetsSent());
            retired.carrierBytesSent.add(cc.bytesSent());
            retired.carrierPacketsReceived.add(cc.packetsReceived());
            retired.carrierBytesReceived.add(cc.bytesReceived());
            retired.carrierDropped.add(cc.droppedTruncated() + cc.droppedBadChecksum() + cc.droppedQueueFull());
        });
    }

    /** The open sessions, oldest first. */
    public List<Entry> open() {
        return open.stream().sorted((a, b) -> a.opened().compareTo(b.opened())).toList();
    }

    public Retired retired() {
        return retired;
    }
}
