package org.paqet4j.cli.config;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code transport.kcp.guard}: paqet4j's packet guard, which drops datagrams that do not carry
 * a fresh, authentic, never-seen-before guard header (sender, counter, time, HMAC tag) before any
 * decryption work; it is the tunnel's replay defence. Both ends must enable it.
 *
 * @param key the guard key; absent = derived from {@code transport.kcp.key}
 * @param window how long after sending a datagram is accepted
 * @param skew the clock difference between the peers that is tolerated
 */
public record GuardConfig(boolean enabled, Optional<String> key, Duration window, Duration skew) {
    @Override
    public String toString() {
        return "GuardConfig[enabled=" + enabled + ", key=" + key.map(k -> "***") + ", window=" + window + ", skew="
                + skew + "]";
    }
}
