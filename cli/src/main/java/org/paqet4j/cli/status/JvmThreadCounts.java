package org.paqet4j.cli.status;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JVM's thread counts under the names the Prometheus client's JVM instrumentation uses
 * ({@code jvm_threads_current}, {@code _daemon}, {@code _peak}, {@code _started_total}), read
 * from counters the JVM keeps. The client's own thread collector also reports deadlocked threads
 * and threads per state: finding deadlocks is a stop-the-world pause of every thread (twice per
 * scrape) and the states need information about every thread, so a scrape would pause the data
 * path; those series are left out.
 */
final class JvmThreadCounts implements MultiCollector {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public MetricSnapshots collect() {
        return new MetricSnapshots(
                gauge("jvm_threads_current", "Current thread count of the JVM.", threads.getThreadCount()),
                gauge("jvm_threads_daemon", "Daemon thread count of the JVM.", threads.getDaemonThreadCount()),
                gauge("jvm_threads_peak", "Peak thread count of the JVM.", threads.getPeakThreadCount()),
                CounterSnapshot.builder()
                        .name("jvm_threads_started")
                        .help("Threads the JVM has started.")
                        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .labels(Labels.EMPTY)
                                .value(threads.getTotalStartedThreadCount())
                                .build())
                        .build());
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.EMPTY)
                        .value(value)
                        .build())
                .build();
    }
}
