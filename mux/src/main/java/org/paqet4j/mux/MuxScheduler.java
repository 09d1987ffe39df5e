package org.paqet4j.mux;

import java.io.Closeable;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the keepalive ticks of sessions. Many sessions can share one (pass it to
 * {@link MuxSession#client(MuxTransport, MuxConfig, MuxScheduler)}); whoever created it closes it. Ticks are short
 * and never block on the transport, so one thread serves any number of sessions.
 */
public final class MuxScheduler implements Closeable {
    private final ScheduledExecutorService executor;
    private final boolean owned;

    private MuxScheduler(ScheduledExecutorService executor, boolean owned) {
        this.executor = executor;
        this.owned = owned;
    }

    /** A scheduler with its own single virtual worker thread, shut down by {@link #close()}. */
    public static MuxScheduler create(String name) {
        return new MuxScheduler(
                Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual()
                        .name(Objects.requireNonNull(name, "name"))
                        .factory()),
                true);
    }

    /** Uses an executor owned by the caller; {@link #close()} leaves it running. */
    public static MuxScheduler using(ScheduledExecutorService executor) {
        return new MuxScheduler(Objects.requireNonNull(executor, "executor"), false);
    }

    ScheduledFuture<?> every(long periodNanos, Runnable tick) {
        return executor.scheduleAtFixedRate(tick, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        if (owned) {
            executor.shutdownNow();
        }
    }
}
