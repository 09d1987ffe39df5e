package org.paqet4j.cli.status;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus side of the status endpoint: one collector turns a fresh {@link StatusReport}
 * into metric snapshots at scrape time (so a scrape reads the tunnel once), next to the client
 * library's JVM and process metrics (except those that pause every thread, see {@link JvmThreadCounts}). Names are {@code paqet_} + the report's counter name; the
 * text writer adds {@code _total} to counters.
 */
public final class StatusMetrics {

    /** Help text for each counter of {@link StatusReport#counters()}; a counter without one is not exported. */
    static final Map<String, String> COUNTER_HELP = Map.ofEntries(
            Map.entry("carrier_packets_sent", "Packets the carrier sent."),
            Map.entry("carrier_bytes_sent", "Bytes the carrier sent (payload handed to the carrier)."),
            Map.entry("carrier_packets_received", "Packets the carrier received for this tunnel."),
            Map.entry("carrier_bytes_received", "Bytes the carrier received for this tunnel."),
            Map.entry("carrier_dropped_packets", "Packets the carrier dropped, by reason."),
            Map.entry("carrier_send_errors", "Sends that failed after retries, by errno."),
            Map.entry("codec_dropped_datagrams", "Datagrams the KCP codec dropped, by reason."),
            Map.entry("codec_fec_recovered_datagrams", "KCP datagrams rebuilt from FEC parity shards."),
            Map.entry("kcp_bytes_sent", "Bytes written into KCP sessions."),
            Map.entry("kcp_bytes_received", "Bytes read from KCP sessions."),
            Map.entry("kcp_retransmits", "KCP segments sent again, by kind (rto, fast, early)."),
            Map.entry("kcp_sessions_closed", "KCP sessions that have closed."),
            Map.entry("mux_window_stalls", "Stream writes that waited for the peer's stream window (smux v2)."),
            Map.entry(
                    "mux_backlog_resets",
                    "Streams reset because they held more than their share of a full session buffer and their"
                            + " reader took nothing for the keepalive timeout."),
            Map.entry("kcp_sessions_refused", "New KCP sessions the listener refused, by reason."),
            Map.entry("kcp_undecodable_datagrams", "Datagrams from unknown peers that did not decode."),
            Map.entry("server_dials", "Target dials by result (ok, denied, failed, timeout)."),
            Map.entry("server_access_denied", "Targets refused by the access rules."),
            Map.entry("server_streams", "Streams that asked for a target, by protocol."),
            Map.entry("server_pings", "PING streams answered."),
            Map.entry("server_header_errors", "Streams with a malformed or late header."),
            Map.entry("server_udp_dropped_datagrams", "Client datagrams the target socket refused."),
            Map.entry("socks5_connections", "SOCKS5 connections accepted."),
            Map.entry("socks5_handshakes", "SOCKS5 handshakes by result (ok: a stream or association is up; failed)."),
            Map.entry("socks5_handshake_failures", "SOCKS5 handshakes that failed, by reason."),
            Map.entry("socks5_udp_associations_opened", "SOCKS5 UDP associations set up."),
            Map.entry("socks5_udp_dropped_datagrams", "SOCKS5 UDP datagrams dropped, by reason."),
            Map.entry("socks5_udp_associations_idle_closed", "SOCKS5 UDP associations closed when idle."),
            Map.entry("limit_hits", "Sessions, streams or connections refused because a limit was reached."));

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public StatusMetrics(Supplier<StatusReport> reports) {
        registry.register((MultiCollector) () -> snapshots(reports.get()));
        // The client library's JVM set without its thread collector (see JvmThreadCounts) and without
        // native memory tracking (a diagnostic command per scrape, and tracking is off by default).
        JvmMemoryMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        registry.register(new JvmThreadCounts());
    }

    public String contentType() {
        return writer.getContentType();
    }

    /** Writes the text exposition of every metric. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    static MetricSnapshots snapshots(StatusReport report) {
        List<MetricSnapshot> out = new ArrayList<>();
        Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
        for (StatusReport.Counter c : report.counters()) {
            String help = COUNTER_HELP.get(c.name());
            if (help == null) {
                continue;
            }
            counters.computeIfAbsent(
                            c.name(),
                            n -> CounterSnapshot.builder().name("paqet_" + n).help(help))
                    .dataPoint(counterPoint(labels(c.labels()), c.value()));
        }
        counters.values().forEach(b -> out.add(b.build()));

        out.add(gauge(
                "paqet_info",
                "The running tunnel: role, mode and version (value 1).",
                Labels.of("role", report.role(), "mode", report.mode(), "version", report.version()),
                1));
        out.add(gauge(
                "paqet_uptime_seconds", "Seconds since the tunnel started.", Labels.EMPTY, report.uptimeSeconds()));
        out.add(gauge(
                "paqet_kcp_sessions",
                "Open KCP sessions.",
                Labels.EMPTY,
                report.sessions().size()));
        out.add(gauge(
                "paqet_mux_streams_open",
                "Open mux streams over all sessions.",
                Labels.EMPTY,
                report.sessions().stream()
                        .mapToInt(StatusReport.Session::openStreams)
                        .sum()));
        List<StatusReport.Session> sessions = report.sessions();
        out.add(perSession(
                sessions, "paqet_session_rtt_seconds", "Smoothed RTT of the session.", s -> s.rttMs() / 1000.0));
        out.add(perSession(sessions, "paqet_session_rto_seconds", "Retransmission timeout.", s -> s.rtoMs() / 1000.0));
        out.add(perSession(sessions, "paqet_session_cwnd_segments", "Congestion window.", StatusReport.Session::cwnd));
        out.add(perSession(
                sessions,
                "paqet_session_send_window_used_segments",
                "Segments in flight (of the send window).",
                StatusReport.Session::sendWindowUsed));
        out.add(perSession(
                sessions,
                "paqet_session_remote_window_segments",
                "The peer's advertised receive window.",
                StatusReport.Session::remoteWindow));
        out.add(perSession(
                sessions,
                "paqet_session_streams",
                "Open mux streams of the session.",
                StatusReport.Session::openStreams));
        CounterSnapshot.Builder sent =
                CounterSnapshot.builder().name("paqet_session_bytes_sent").help("Bytes written into the session.");
        CounterSnapshot.Builder received =
                CounterSnapshot.builder().name("paqet_session_bytes_received").help("Bytes read from the session.");
        for (StatusReport.Session s : sessions) {
            Labels l = sessionLabels(s);
            sent.dataPoint(counterPoint(l, s.bytesSent()));
            received.dataPoint(counterPoint(l, s.bytesReceived()));
        }
        out.add(sent.build());
        out.add(received.build());

        GaugeSnapshot.Builder open = GaugeSnapshot.builder()
                .name("paqet_listener_connections_open")
                .help("Connections a client listener serves now.");
        for (StatusReport.Listener l : report.listeners()) {
            open.dataPoint(point(Labels.of("kind", l.kind(), "listener", l.address()), l.open()));
        }
        out.add(open.build());
        GaugeSnapshot.Builder max =
                GaugeSnapshot.builder().name("paqet_limit_max").help("A configured limit.");
        GaugeSnapshot.Builder used =
                GaugeSnapshot.builder().name("paqet_limit_in_use").help("How much of a limit is in use now.");
        for (StatusReport.Limit l : report.limits()) {
            max.dataPoint(point(Labels.of("limit", l.name()), l.max()));
            used.dataPoint(point(Labels.of("limit", l.name()), l.inUse()));
        }
        out.add(max.build());
        out.add(used.build());
        return new MetricSnapshots(out);
    }

    private static Labels labels(Map<String, String> labels) {
        List<String> names = new ArrayList<>(labels.keySet());
        names.sort(null);
        return Labels.of(names, names.stream().map(labels::get).toList());
    }

    private static GaugeSnapshot gauge(String name, String help, Labels labels, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(point(labels, value))
                .build();
    }

    private static GaugeSnapshot perSession(
            List<StatusReport.Session> sessions,
            String name,
            String help,
            ToDoubleFunction<StatusReport.Session> value) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (StatusReport.Session s : sessions) {
            b.dataPoint(point(sessionLabels(s), value.applyAsDouble(s)));
        }
        return b.build();
    }

    private static Labels sessionLabels(StatusReport.Session s) {
        return Labels.of("peer", s.peer(), "conv", Long.toString(s.conv()));
    }

    private static CounterSnapshot.CounterDataPointSnapshot counterPoint(Labels labels, double value) {
        return CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(labels)
                .value(value)
                .build();
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(labels)
                .value(value)
                .build();
    }
}
