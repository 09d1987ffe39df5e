package org.paqet4j.cli.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * Waits for SIGINT or SIGTERM. Handling the signals ourselves (instead of letting the JVM run
 * its shutdown hooks and exit with 130/143) lets {@code paqet run} shut down in order and exit 0.
 */
public final class ShutdownSignals {
    private final CountDownLatch signalled = new CountDownLatch(1);
    private volatile String name = "";

    public ShutdownSignals() {
        for (String signal : new String[] {"INT", "TERM"}) {
            Signal.handle(new Signal(signal), s -> {
                name = "SIG" + s.getName();
                signalled.countDown();
            });
        }
    }

    /** Waits up to {@code timeout} for a signal; true if one arrived. */
    public boolean awaitFor(Duration timeout) throws InterruptedException {
        return signalled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Blocks until a signal arrives; returns its name. */
    public String await() throws InterruptedException {
        signalled.await();
        return name;
    }
}
