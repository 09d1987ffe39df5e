package org.paqet4j.tunnel.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts a tunnel end down within a bounded time, in three phases: stop accepting new work
 * (listeners, sessions), let open streams finish for most of the budget, then close everything in
 * the order it was registered (for the tunnel: mux sessions before KCP sessions before carriers
 * before firewall rules, so nothing writes on a transport that is already gone). Runs once; later calls return at once.
 */
public final class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);

    /** Something whose open work can be waited for. */
    @FunctionalInterface
    public interface Drainable {
        boolean awaitDrained(Duration timeout) throws InterruptedException;
    }

    private record Step<T>(String what, T action) {}

    private final List<Step<Runnable>> stops = new ArrayList<>();
    private final List<Step<Drainable>> drains = new ArrayList<>();
    private final List<Step<AutoCloseable>> closes = new ArrayList<>();
    private final AtomicBoolean ran = new AtomicBoolean();

    public GracefulShutdown stopAccepting(String what, Runnable action) {
        stops.add(new Step<>(what, action));
        return this;
    }

    public GracefulShutdown drain(String what, Drainable drainable) {
        drains.add(new Step<>(what, drainable));
        return this;
    }

    /** Registers a resource to close; resources close in registration order. */
    public GracefulShutdown thenClose(String what, AutoCloseable resource) {
        closes.add(new Step<>(what, resource));
        return this;
    }

    /**
     * Runs the shutdown; three quarters of {@code budget} go to draining, closing is not bounded by
     * the rest but every close here is prompt. Returns true if everything drained in time.
     */
    public boolean run(Duration budget) {
        if (!ran.compareAndSet(false, true)) {
            return true;
        }
        long start = System.nanoTime();
        for (Step<Runnable> step : stops) {
            try {
                step.action().run();
                log.info("stopped accepting: {}", step.what());
            } catch (RuntimeException e) {
                log.warn("stopping {} failed: {}", step.what(), e.toString());
            }
        }
        long drainEnd = start + budget.toNanos() * 3 / 4;
        boolean drained = true;
        for (Step<Drainable> step : drains) {
            try {
                long remaining = Math.max(0, drainEnd - System.nanoTime());
                if (!step.action().awaitDrained(Duration.ofNanos(remaining))) {
                    drained = false;
                    log.warn("{} still busy after the drain period; closing it", step.what());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
                break;
            }
        }
        for (Step<AutoCloseable> step : closes) {
            try {
                step.action().close();
                log.debug("closed {}", step.what());
            } catch (Exception e) {
                log.warn("closing {} failed: {}", step.what(), e.toString());
            }
        }
        log.info(
                "shutdown finished in {} ms{}",
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                drained ? "" : " (some streams were cut)");
        return drained;
    }
}
