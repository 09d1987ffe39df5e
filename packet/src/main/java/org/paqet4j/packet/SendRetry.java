package org.paqet4j.packet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * Retries a send that the kernel refused for lack of buffer space, with bounded exponential
 * backoff (200 µs doubling to 10 ms, 8 attempts, about 30 ms in all), and fails loudly after that:
 * a datagram is never reported as sent when it was dropped (a silent drop looks like loss to KCP
 * and hides the cause).
 */
final class SendRetry {

    static final int ATTEMPTS = 8;
    private static final long FIRST_BACKOFF_NANOS = 200_000;
    private static final long MAX_BACKOFF_NANOS = 10_000_000;

    /** One send attempt: true when sent, false when the kernel had no buffer space (ENOBUFS/EAGAIN). */
    @FunctionalInterface
    interface Attempt {
        boolean trySend() throws IOException;
    }

    private SendRetry() {}

    /**
     * Waits before attempt {@code attempt + 1} after attempt {@code attempt} (1-based) found no
     * buffer space; false when the attempts are used up. For callers that must not allocate a
     * lambda per send.
     */
    static boolean backOff(int attempt) {
        if (attempt >= ATTEMPTS) {
            return false;
        }
        LockSupport.parkNanos(Math.min(FIRST_BACKOFF_NANOS << (attempt - 1), MAX_BACKOFF_NANOS));
        return true;
    }

    static void run(Attempt attempt, MutableCarrierCounters counters, InetSocketAddress peer) throws IOException {
        long backoff = FIRST_BACKOFF_NANOS;
        for (int i = 1; i <= ATTEMPTS; i++) {
            if (attempt.trySend()) {
                return;
            }
            if (i < ATTEMPTS) {
                LockSupport.parkNanos(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
            }
        }
        counters.countSendError("ENOBUFS");
        throw new IOException(
                "send to " + AddressText.of(peer) + " failed: no buffer space after " + ATTEMPTS + " attempts");
    }
}
