package org.paqet4j.tunnel.guard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The packet guard's key and freshness rule. A datagram is fresh when its sender's timestamp lies
 * between {@code window + skew} in the past and {@code skew} in the future of the receiver's clock;
 * a receiver therefore remembers a sender's counters for {@link #rememberMillis()} after its last
 * datagram, long enough that any datagram it ever accepted from that sender is stale by then.
 */
public final class GuardKey {

    private static final byte[] KEY_LABEL = "paqet4j packet guard v2".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final long windowMillis;
    private final long skewMillis;
    private final LongSupplier clockMillis;

    /**
     * @param window how long after sending a datagram is accepted
     * @param skew the clock difference between the peers that is tolerated (both ways)
     */
    public GuardKey(byte[] key, Duration window, Duration skew, LongSupplier clockMillis) {
        if (key.length < 16) {
            throw new IllegalArgumentException("guard key is " + key.length + " bytes, at least 16 needed");
        }
        if (window.toMillis() < 1000) {
            throw new IllegalArgumentException("guard window " + window + " is shorter than 1 s");
        }
        if (skew.isNegative()) {
            throw new IllegalArgumentException("guard skew " + skew + " is negative");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.windowMillis = window.toMillis();
        this.skewMillis = skew.toMillis();
        this.clockMillis = clockMillis;
    }

    /** Derives the guard key from the shared transport secret (a different key than the cipher's). */
    public static byte[] deriveKey(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(KEY_LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    long nowMillis() {
        return clockMillis.getAsLong();
    }

    /** True when a datagram stamped {@code seconds} (sender's clock) may be accepted at {@code nowMillis}. */
    boolean fresh(long seconds, long nowMillis) {
        long sentMillis = seconds * 1000;
        // The stamp is truncated to the second: allow the second it names in full.
        return sentMillis + 999 >= nowMillis - windowMillis - skewMillis && sentMillis <= nowMillis + skewMillis;
    }

    /**
     * The earliest send time a listening receiver that started at {@code startMillis} accepts:
     * anything stamped earlier may have been sent to (and accepted by) a previous process on the
     * same port, whose replay windows are gone.
     */
    long firstAcceptableMillis(long startMillis) {
        return startMillis + skewMillis;
    }

    /** How long a receiver keeps a sender's replay window after its last accepted datagram. */
    long rememberMillis() {
        return windowMillis + 2 * skewMillis + 2000;
    }

    /** A MAC keyed with the guard key; each thread needs its own. */
    Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
