package org.paqet4j.cli.status;

import java.util.List;
import java.util.Map;

/**
 * What {@code /status} answers (docs/STATUS.md documents every field). The counters are the same
 * numbers {@code /metrics} exports, named like the metric without {@code paqet_} and {@code _total}.
 *
 * @param role           "client" or "server"
 * @param mode           "paqet" or "kcptun"
 * @param version        the build's version
 * @param uptimeSeconds  since the tunnel started
 * @param time           when this report was made, milliseconds since the epoch
 */
public record StatusReport(
        String role,
        String mode,
        String version,
        long uptimeSeconds,
        long time,
        Carrier carrier,
        List<Session> sessions,
        List<Listener> listeners,
        List<Limit> limits,
        List<Counter> counters) {

    public StatusReport {
        sessions = List.copyOf(sessions);
        listeners = List.copyOf(listeners);
        limits = List.copyOf(limits);
        counters = List.copyOf(counters);
    }

    /**
     * @param description "raw TCP on eth0 from 10.0.0.2" or "UDP"
     * @param firewall    the firewall rules' backend, "off" or "none" (UDP)
     */
    public record Carrier(
            String description,
            String firewall,
            long packetsSent,
            long bytesSent,
            long packetsReceived,
            long bytesReceived,
            long packetsDropped) {}

    /**
     * One open tunnel session (a KCP session carrying a mux session).
     *
     * @param bytesSent       bytes the tunnel wrote into the session
     * @param bytesReceived   bytes the tunnel read from the session
     * @param segmentsSent    KCP segments put on the wire (retransmits and ACKs included)
     * @param retransmits     segments sent again (RTO, fast and early)
     * @param sendWindowUsed  segments in flight
     */
    public record Session(
            String peer,
            long conv,
            long ageSeconds,
            int rttMs,
            int rtoMs,
            int cwnd,
            int sendWindow,
            int remoteWindow,
            int sendWindowUsed,
            int sendQueue,
            int receiveQueue,
            long bytesSent,
            long bytesReceived,
            long segmentsSent,
            long segmentsReceived,
            long retransmits,
            int openStreams) {}

    /**
     * A client listener (SOCKS5 or TCP forward).
     *
     * @param open    connections served now
     * @param total   connections accepted since start
     * @param max     at most this many at once
     * @param refused connections refused because {@code max} were open
     */
    public record Listener(String kind, String address, int open, long total, int max, long refused) {}

    /** A configured limit and how much of it is in use now. */
    public record Limit(String name, long max, long inUse) {}

    /** A counter; {@code labels} tell series of one counter apart (e.g. {@code result=denied}). */
    public record Counter(String name, Map<String, String> labels, long value) {

        public Counter {
            labels = Map.copyOf(labels);
        }

        static Counter of(String name, long value) {
            return new Counter(name, Map.of(), value);
        }

        static Counter of(String name, String label, String labelValue, long value) {
            return new Counter(name, Map.of(label, labelValue), value);
        }
    }
}
