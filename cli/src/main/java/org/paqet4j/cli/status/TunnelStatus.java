package org.paqet4j.cli.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.paqet4j.cli.config.LimitsConfig;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSessionStats;
import org.paqet4j.kcp.codec.CodecCounters;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.relay.ConnectionListener;
import org.paqet4j.tunnel.server.ServerCounters;
import org.paqet4j.tunnel.session.LiveSessions;
import org.paqet4j.tunnel.socks.Socks5Counters;
import org.paqet4j.tunnel.socks.Socks5Server;

/**
 * Reads a running client or server into a {@link StatusReport}. Everything is read from counters
 * and tables the tunnel keeps anyway, at the moment a report is asked for; nothing here runs on the
 * data path.
 */
public final class TunnelStatus {

    /** What a running tunnel is made of, as far as the report needs. */
    public record Parts(
            String role,
            String mode,
            String version,
            Supplier<String> carrierDescription,
            Supplier<String> firewall,
            LiveSessions sessions,
            LimitsConfig limits,
            /* server only */
            Optional<PacketCarrier> serverCarrier,
            Optional<KcpListener> listener,
            Optional<ServerCounters> server,
            /* client only */
            List<Socks5Server> socks,
            List<TcpForward> forwards,
            int connections) {

        public Parts {
            socks = List.copyOf(socks);
            forwards = List.copyOf(forwards);
        }
    }

    private final Parts parts;
    private final Clock clock;
    private final Instant started;

    public TunnelStatus(Parts parts, Clock clock) {
        this.parts = parts;
        this.clock = clock;
        this.started = clock.instant();
    }

    public StatusReport report() {
        Instant now = clock.instant();
        List<StatusReport.Counter> counters = new ArrayList<>();
        LiveSessions.Retired retired = parts.sessions().retired();
        List<StatusReport.Session> sessions = new ArrayList<>();
        long bytesSent = retired.bytesWritten();
        long bytesReceived = retired.bytesRead();
        long rto = retired.retransmitsRto();
        long fast = retired.retransmitsFast();
        long early = retired.retransmitsEarly();
        long badChecksum = retired.codecBadChecksum();
        long badTag = retired.codecBadTag();
        long malformed = retired.codecMalformed();
        long fec = retired.fecRecovered();
        long windowStalls = retired.windowStalls();
        long backlogResets = retired.backlogResets();
        long carrierPacketsSent = retired.carrierPacketsSent();
        long carrierBytesSent = retired.carrierBytesSent();
        long carrierPacketsReceived = retired.carrierPacketsReceived();
        long carrierBytesReceived = retired.carrierBytesReceived();
        long carrierDropped = retired.carrierDropped();
        for (LiveSessions.Entry e : parts.sessions().open()) {
            KcpSessionStats s = e.kcp().stats();
            int streams = e.mux().streamCount();
            sessions.add(new StatusReport.Session(
                    AddressText.of(e.kcp().remoteAddress()),
                    Integer.toUnsignedLong(e.kcp().conv()),
                    Duration.between(e.opened(), now).toSeconds(),
                    s.srttMs(),
                    s.rtoMs(),
                    s.cwnd(),
                    e.kcp().config().sndwnd(),
                    s.remoteWindow(),
                    s.sendBuffer(),
                    s.sendQueue(),
                    s.receiveQueue(),
                    s.bytesWritten(),
                    s.bytesRead(),
                    s.segmentsSent(),
                    s.segmentsReceived(),
                    s.retransmitsRto() + s.retransmitsFast() + s.retransmitsEarly(),
                    streams));
            bytesSent += s.bytesWritten();
            bytesReceived += s.bytesRead();
            rto += s.retransmitsRto();
            fast += s.retransmitsFast();
            early += s.retransmitsEarly();
            CodecCounters c = e.kcp().codecCounters();
            badChecksum += c.badChecksum();
            badTag += c.badTag();
            malformed += c.malformed();
            fec += c.fecRecovered();
            windowStalls += e.mux().windowStalls();
            backlogResets += e.mux().backlogResets();
            if (e.carrier().isPresent()) {
                CarrierCounters cc = e.carrier().get().counters();
                carrierPacketsSent += cc.packetsSent();
                carrierBytesSent += cc.bytesSent();
                carrierPacketsReceived += cc.packetsReceived();
                carrierBytesReceived += cc.bytesReceived();
                carrierDropped += dropped(cc);
            }
        }
        if (parts.serverCarrier().isPresent()) {
            CarrierCounters cc = parts.serverCarrier().get().counters();
            carrierPacketsSent += cc.packetsSent();
            carrierBytesSent += cc.bytesSent();
            carrierPacketsReceived += cc.packetsReceived();
            carrierBytesReceived += cc.bytesReceived();
            carrierDropped += dropped(cc);
            counters.add(StatusReport.Counter.of("carrier_dropped_packets", "reason", "not_ours", cc.droppedNotOurs()));
            counters.add(
                    StatusReport.Counter.of("carrier_dropped_packets", "reason", "truncated", cc.droppedTruncated()));
            counters.add(StatusReport.Counter.of(
                    "carrier_dropped_packets", "reason", "bad_checksum", cc.droppedBadChecksum()));
            counters.add(
                    StatusReport.Counter.of("carrier_dropped_packets", "reason", "queue_full", cc.droppedQueueFull()));
            cc.sendErrors()
                    .forEach((errno, n) ->
                            counters.add(StatusReport.Counter.of("carrier_send_errors", "errno", errno, n)));
        }
        counters.add(StatusReport.Counter.of("carrier_packets_sent", carrierPacketsSent));
        counters.add(StatusReport.Counter.of("carrier_bytes_sent", carrierBytesSent));
        counters.add(StatusReport.Counter.of("carrier_packets_received", carrierPacketsReceived));
        counters.add(StatusReport.Counter.of("carrier_bytes_received", carrierBytesReceived));
        counters.add(StatusReport.Counter.of("codec_dropped_datagrams", "reason", "bad_checksum", badChecksum));
        counters.add(StatusReport.Counter.of("codec_dropped_datagrams", "reason", "bad_tag", badTag));
        counters.add(StatusReport.Counter.of("codec_dropped_datagrams", "reason", "malformed", malformed));
        counters.add(StatusReport.Counter.of("codec_fec_recovered_datagrams", fec));
        counters.add(StatusReport.Counter.of("kcp_bytes_sent", bytesSent));
        counters.add(StatusReport.Counter.of("kcp_bytes_received", bytesReceived));
        counters.add(StatusReport.Counter.of("kcp_retransmits", "kind", "rto", rto));
        counters.add(StatusReport.Counter.of("kcp_retransmits", "kind", "fast", fast));
        counters.add(StatusReport.Counter.of("kcp_retransmits", "kind", "early", early));
        counters.add(StatusReport.Counter.of("kcp_sessions_closed", retired.sessions()));
        counters.add(StatusReport.Counter.of("mux_window_stalls", windowStalls));
        counters.add(StatusReport.Counter.of("mux_backlog_resets", backlogResets));

        List<StatusReport.Limit> limits = new ArrayList<>();
        LimitsConfig l = parts.limits();
        parts.listener().ifPresent(listener -> {
            counters.add(StatusReport.Counter.of(
                    "kcp_sessions_refused", "reason", "max_sessions", listener.droppedSessionLimit()));
            counters.add(StatusReport.Counter.of(
                    "kcp_sessions_refused", "reason", "backlog", listener.droppedBacklogFull()));
            counters.add(
                    StatusReport.Counter.of("kcp_sessions_refused", "reason", "rate", listener.droppedSessionRate()));
            counters.add(StatusReport.Counter.of(
                    "kcp_sessions_refused", "reason", "replacement", listener.refusedReplacements()));
            counters.add(StatusReport.Counter.of("kcp_undecodable_datagrams", listener.droppedUndecodable()));
        });
        parts.server().ifPresent(s -> {
            long dialsFailed = s.dialFailures() - s.dialTimeouts();
            counters.add(StatusReport.Counter.of("server_dials", "result", "ok", s.dialsOk()));
            counters.add(StatusReport.Counter.of("server_dials", "result", "denied", s.deniedTargets()));
            counters.add(StatusReport.Counter.of("server_dials", "result", "failed", dialsFailed));
            counters.add(StatusReport.Counter.of("server_dials", "result", "timeout", s.dialTimeouts()));
            counters.add(StatusReport.Counter.of("server_access_denied", s.deniedTargets()));
            counters.add(StatusReport.Counter.of("server_streams", "protocol", "tcp", s.tcpStreams()));
            counters.add(StatusReport.Counter.of("server_streams", "protocol", "udp", s.udpStreams()));
            counters.add(StatusReport.Counter.of("server_pings", s.pings()));
            counters.add(StatusReport.Counter.of("server_header_errors", s.headerErrors()));
            counters.add(StatusReport.Counter.of("server_udp_dropped_datagrams", s.udpDropped()));
            counters.add(StatusReport.Counter.of("limit_hits", "limit", "max_sessions", s.rejectedSessions()));
            counters.add(StatusReport.Counter.of("limit_hits", "limit", "max_streams", s.rejectedStreams()));
            limits.add(new StatusReport.Limit("max_sessions", l.maxSessions(), s.activeSessions()));
            limits.add(new StatusReport.Limit("max_streams_total", l.maxStreamsTotal(), s.activeStreams()));
        });

        List<StatusReport.Listener> listeners = new ArrayList<>();
        long connectionsRefused = 0;
        long associationsRefused = 0;
        for (Socks5Server socks : parts.socks()) {
            String address = AddressText.of(socks.localAddress());
            ConnectionListener cl = socks.listener();
            Socks5Counters c = socks.counters();
            listeners.add(new StatusReport.Listener(
                    "socks5",
                    address,
                    cl.connectionCount(),
                    c.connections(),
                    cl.maxConnections(),
                    cl.refusedOverLimit()));
            connectionsRefused += cl.refusedOverLimit();
            associationsRefused += c.udpAssociationsRefused();
            counters.add(socks5("socks5_connections", address, null, c.connections()));
            counters.add(socks5Result("socks5_handshakes", address, "ok", c.handshakesOk()));
            counters.add(socks5Result(
                    "socks5_handshakes",
                    address,
                    "failed",
                    c.handshakeFailures() + c.authFailures() + c.tunnelFailures()));
            counters.add(socks5("socks5_udp_associations_opened", address, null, c.udpAssociationsOpened()));
            counters.add(socks5("socks5_handshake_failures", address, "malformed", c.handshakeFailures()));
            counters.add(socks5("socks5_handshake_failures", address, "auth_failed", c.authFailures()));
            counters.add(socks5("socks5_handshake_failures", address, "auth_throttled", c.authThrottled()));
            counters.add(socks5("socks5_handshake_failures", address, "tunnel_unavailable", c.tunnelFailures()));
            counters.add(socks5("socks5_udp_dropped_datagrams", address, "fragment", c.udpFragmentsDropped()));
            counters.add(socks5("socks5_udp_dropped_datagrams", address, "malformed", c.udpMalformedDropped()));
            counters.add(socks5("socks5_udp_dropped_datagrams", address, "foreign", c.udpForeignDropped()));
            counters.add(socks5("socks5_udp_dropped_datagrams", address, "target_limit", c.udpTargetLimitDropped()));
            counters.add(socks5("socks5_udp_dropped_datagrams", address, "reply", c.udpRepliesDropped()));
            counters.add(socks5("socks5_udp_associations_idle_closed", address, null, c.udpIdleClosed()));
            limits.add(new StatusReport.Limit(
                    "max_udp_associations " + address, l.maxUdpAssociations(), socks.udpAssociationCount()));
        }
        for (TcpForward forward : parts.forwards()) {
            ConnectionListener cl = forward.listener();
            listeners.add(new StatusReport.Listener(
                    "tcp_forward",
                    AddressText.of(forward.localAddress()),
                    cl.connectionCount(),
                    cl.acceptedConnections(),
                    cl.maxConnections(),
                    cl.refusedOverLimit()));
            connectionsRefused += cl.refusedOverLimit();
        }
        for (StatusReport.Listener listener : listeners) {
            limits.add(
                    new StatusReport.Limit("max_connections " + listener.address(), listener.max(), listener.open()));
        }
        if (parts.role().equals("client")) {
            counters.add(StatusReport.Counter.of("limit_hits", "limit", "max_connections", connectionsRefused));
            counters.add(StatusReport.Counter.of("limit_hits", "limit", "max_udp_associations", associationsRefused));
            limits.add(new StatusReport.Limit("conn", parts.connections(), sessions.size()));
        }
        limits.add(new StatusReport.Limit("max_streams_per_session", l.maxStreamsPerSession(), maxStreams(sessions)));
        return new StatusReport(
                parts.role(),
                parts.mode(),
                parts.version(),
                Duration.between(started, now).toSeconds(),
                now.toEpochMilli(),
                new StatusReport.Carrier(
                        parts.carrierDescription().get(),
                        parts.firewall().get(),
                        carrierPacketsSent,
                        carrierBytesSent,
                        carrierPacketsReceived,
                        carrierBytesReceived,
                        carrierDropped),
                sessions,
                listeners,
                limits,
                counters);
    }

    private static long dropped(CarrierCounters cc) {
        return cc.droppedTruncated() + cc.droppedBadChecksum() + cc.droppedQueueFull();
    }

    private static int maxStreams(List<StatusReport.Session> sessions) {
        return sessions.stream()
                .mapToInt(StatusReport.Session::openStreams)
                .max()
                .orElse(0);
    }

    private static StatusReport.Counter socks5Result(String name, String listener, String result, long value) {
        return new StatusReport.Counter(name, Map.of("listener", listener, "result", result), value);
    }

    private static StatusReport.Counter socks5(String name, String listener, String reason, long value) {
        return reason == null
                ? StatusReport.Counter.of(name, "listener", listener, value)
                : new StatusReport.Counter(name, Map.of("listener", listener, "reason", reason), value);
    }
}
