package org.paqet4j.cli.config;

import java.util.Optional;

/**
 * {@code status}: the optional status endpoint ({@code /metrics}, {@code /status}, the dashboard;
 * {@code paqet status} reads it).
 *
 * @param listen where it listens; empty = off
 * @param token  when set, every request needs {@code Authorization: Bearer <token>}; required for a
 *     non-loopback {@code listen}
 */
public record StatusConfig(Optional<HostPort> listen, Optional<String> token) {

    /** A guessable token would put session peers and targets one brute force away. */
    public static final int MIN_TOKEN_LENGTH = 16;

    @Override
    public String toString() {
        return "StatusConfig[listen=" + listen + ", token=" + (token.isPresent() ? "(set)" : "(none)") + "]";
    }
}
