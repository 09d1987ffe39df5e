package org.paqet4j.cli.config;

/** {@code transport}: the protocol (KCP), how many parallel tunnel connections a client keeps, and KCP's settings. */
public record TransportConfig(TransportProtocol protocol, int conn, KcpConfig kcp) {}
