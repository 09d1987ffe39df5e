package org.paqet4j.cli.config;

import java.time.Duration;

/**
 * {@code limits}: the bounds that keep one host's memory and threads finite under load or abuse.
 *
 * @param maxSessions tunnel sessions (client connections) a server accepts at once
 * @param maxStreamsPerSession streams one session may have open
 * @param maxStreamsTotal streams over all sessions
 * @param headerTimeout how long a new stream may take to send its paqet header
 * @param dialTimeout how long dialing a target (server) may take
 * @param handshakeTimeout how long a SOCKS5 handshake (client) or session setup may take
 */
public record LimitsConfig(
    int maxSessions,
    int maxStreamsPerSession,
    int maxStreamsTotal,
    Duration headerTimeout,
    Duration dialTimeout,
    Duration handshakeTimeout) {}
