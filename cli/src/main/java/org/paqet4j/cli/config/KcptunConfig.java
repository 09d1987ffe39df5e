package org.paqet4j.cli.config;

import java.util.Optional;

/**
 * {@code kcptun}: kcptun mode, in which paqet4j speaks kcptun's protocol (UDP carrier, kcptun
 * key derivation, no paqet stream header). A client accepts TCP on {@code listen} and carries each
 * connection as one stream; a server connects every stream to {@code target}. Unless
 * {@code nocomp}, smux runs over kcptun's snappy compression, as kcptun does by default.
 */
public record KcptunConfig(Optional<HostPort> listen, Optional<HostPort> target, boolean nocomp) {}
