package org.paqet4j.tunnel.guard;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The guard's cookies: the first 8 bytes of HMAC-SHA256(key, window index u64 BE), where the
 * window index is the current time divided by the window length. Cookies of the current window
 * and of {@code skewWindows} windows either side are precomputed and replaced only when the clock
 * enters a new window, so checking a datagram costs a few byte comparisons, no HMAC.
 */
public final class GuardCookies {

    public static final int COOKIE_LENGTH = 8;
    private static final byte[] KEY_LABEL = "paqet4j packet guard v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final long windowMillis;
    private final int skewWindows;
    private final LongSupplier clockMillis;
    /** Replaced as a whole (immutable snapshot) so senders on any thread read it without locks. */
    private volatile Snapshot snapshot;

    private record Snapshot(long window, byte[][] cookies) {
        /** Cookie of the window at the centre: the one we send. */
        byte[] current() {
            return cookies[cookies.length / 2];
        }
    }

    public GuardCookies(byte[] key, Duration window, Duration skew, LongSupplier clockMillis) {
        if (key.length < 16) {
            throw new IllegalArgumentException("guard key is " + key.length + " bytes, at least 16 needed");
        }
        this.windowMillis = window.toMillis();
        if (windowMillis < 1000) {
            throw new IllegalArgumentException("guard window " + window + " is shorter than 1 s");
        }
        if (skew.isNegative()) {
            throw new IllegalArgumentException("guard skew " + skew + " is negative");
        }
        this.skewWindows = (int) Math.max(1, (skew.toMillis() + windowMillis - 1) / windowMillis);
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clockMillis = clockMillis;
        this.snapshot = compute(Math.floorDiv(clockMillis.getAsLong(), windowMillis));
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

    /** The cookie to put on datagrams sent now. */
    public byte[] current() {
        return refreshed().current();
    }

    /** True if {@code buf[offset, offset + 8)} is the cookie of an accepted window; constant time per cookie. */
    public boolean accepts(byte[] buf, int offset) {
        boolean match = false;
        for (byte[] cookie : refreshed().cookies()) {
            int diff = 0;
            for (int i = 0; i < COOKIE_LENGTH; i++) {
                diff |= cookie[i] ^ buf[offset + i];
            }
            match |= diff == 0;
        }
        return match;
    }

    private Snapshot refreshed() {
        Snapshot s = snapshot;
        long window = Math.floorDiv(clockMillis.getAsLong(), windowMillis);
        if (window != s.window()) {
            s = compute(window);
            snapshot = s;
        }
        return s;
    }

    private Snapshot compute(long window) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[][] cookies = new byte[2 * skewWindows + 1][];
            for (int i = 0; i < cookies.length; i++) {
                long w = window - skewWindows + i;
                byte[] input = new byte[8];
                for (int b = 0; b < 8; b++) {
                    input[b] = (byte) (w >>> (56 - 8 * b));
                }
                byte[] full = mac.doFinal(input);
                byte[] cookie = new byte[COOKIE_LENGTH];
                System.arraycopy(full, 0, cookie, 0, COOKIE_LENGTH);
                cookies[i] = cookie;
            }
            return new Snapshot(window, cookies);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
