package org.paqet4j.cli.config;

import java.time.Duration;
import java.util.List;
import org.paqet4j.kcp.KcpMode;

/**
 * The values a key takes when the file leaves it out. Where paqet4j differs from paqet
 * (v1.0.0-alpha.21) the paqet value is noted; docs/CONFIGURATION.md explains why.
 */
public final class ConfigDefaults {
    private ConfigDefaults() {}

    /** paqet: none (silent); an operator should at least see errors and the startup line. */
    public static final LogLevel LOG_LEVEL = LogLevel.INFO;

    public static final int CONN = 1;
    public static final KcpMode MODE = KcpMode.FAST;
    public static final int MTU = 1350;
    /** paqet: client 128 send / 512 receive, server 1024 / 1024; throughput ≤ window × mtu / RTT. */
    public static final int WINDOW = 4096;

    public static final BlockCrypt BLOCK = BlockCrypt.AES;
    public static final int SMUXBUF = 4 * 1024 * 1024;
    public static final int STREAMBUF = 2 * 1024 * 1024;
    public static final Duration SMUX_KEEPALIVE = Duration.ofSeconds(2);
    public static final Duration SMUX_TIMEOUT = Duration.ofSeconds(8);
    public static final int SMUX_VERSION = 2;
    /** kcptun mode: kcptun's defaults (FEC 10/3, smux v1, 10 s keepalive and smux's 30 s timeout). */
    public static final int KCPTUN_DATA_SHARDS = 10;

    public static final int KCPTUN_PARITY_SHARDS = 3;
    public static final int KCPTUN_SMUX_VERSION = 1;
    public static final Duration KCPTUN_SMUX_KEEPALIVE = Duration.ofSeconds(10);
    public static final Duration KCPTUN_SMUX_TIMEOUT = Duration.ofSeconds(30);

    public static final int SOCKBUF_CLIENT = 4 * 1024 * 1024;
    public static final int SOCKBUF_SERVER = 8 * 1024 * 1024;
    public static final List<FlagCombination> TCP_FLAGS = List.of(new FlagCombination("PA"));

    public static final Duration GUARD_WINDOW = Duration.ofSeconds(30);
    public static final Duration GUARD_SKEW = Duration.ofSeconds(5);

    public static final int MAX_SESSIONS = 512;
    public static final int MAX_STREAMS_PER_SESSION = 4096;
    public static final int MAX_STREAMS_TOTAL = 16384;
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** 0: each client listener gets 80 % of the fd limit split over the listeners. */
    public static final int MAX_CONNECTIONS = 0;

    public static final int MAX_UDP_ASSOCIATIONS = 1024;
    public static final Duration UDP_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** {@code limits.memory}: 0 sizes the budget from the heap. */
    public static final long MEMORY = 0;
    /** The smallest memory budget: below it a single session at default windows could not move at full speed. */
    public static final long MIN_MEMORY = 4L << 20;

    public static final long MAX_MEMORY = 1L << 40;

    /** Link-local networks and the cloud metadata endpoints: never a tunnel client's business. */
    public static final List<AccessRule> ACCESS_DENY = List.of(
            AccessRule.parse("169.254.0.0/16").orElseThrow(),
            AccessRule.parse("fe80::/10").orElseThrow(),
            AccessRule.parse("169.254.169.254").orElseThrow(),
            AccessRule.parse("fd00:ec2::254").orElseThrow(),
            AccessRule.parse("100.100.100.200").orElseThrow());
}
