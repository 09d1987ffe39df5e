package org.paqet4j.mux;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one smux session. Both ends must agree on {@code version}; every other value is local.
 *
 * @param version           smux protocol version, 1 or 2 (2 adds per-stream flow control through UPD frames)
 * @param keepAliveInterval how often a NOP is sent on stream 0
 * @param keepAliveTimeout  the session closes when nothing at all arrived for this long (while it was reading)
 * @param maxFrameSize      largest PSH payload this end sends, 1..65535
 * @param maxReceiveBuffer  bytes received but not yet read, summed over all streams ({@code smuxbuf}); when
 *                          reached the session stops reading its transport until a reader catches up
 * @param maxStreamBuffer   largest window advertised per stream in v2 ({@code streambuf}); shared fairly when
 *                          many streams are open, see the README
 * @param maxStreams        streams open at once in this session, both directions together
 */
public record MuxConfig(
        int version,
        Duration keepAliveInterval,
        Duration keepAliveTimeout,
        int maxFrameSize,
        int maxReceiveBuffer,
        int maxStreamBuffer,
        int maxStreams) {

    /** The largest payload the 16-bit length field can describe. */
    public static final int MAX_FRAME_SIZE_LIMIT = 65535;

    public MuxConfig {
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("smux version must be 1 or 2, got " + version);
        }
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
            throw new IllegalArgumentException("keepAliveInterval must be positive, got " + keepAliveInterval);
        }
        if (keepAliveTimeout.compareTo(keepAliveInterval) < 0) {
            throw new IllegalArgumentException("keepAliveTimeout (" + keepAliveTimeout
                    + ") must not be shorter than keepAliveInterval (" + keepAliveInterval + ")");
        }
        if (maxFrameSize < 1 || maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException(
                    "maxFrameSize must be in 1.." + MAX_FRAME_SIZE_LIMIT + ", got " + maxFrameSize);
        }
        if (maxReceiveBuffer < 1) {
            throw new IllegalArgumentException("maxReceiveBuffer (smuxbuf) must be positive, got " + maxReceiveBuffer);
        }
        if (maxStreamBuffer < 1) {
            throw new IllegalArgumentException("maxStreamBuffer (streambuf) must be positive, got " + maxStreamBuffer);
        }
        if (maxStreamBuffer > maxReceiveBuffer) {
            throw new IllegalArgumentException("maxStreamBuffer (streambuf " + maxStreamBuffer
                    + ") must not exceed maxReceiveBuffer (smuxbuf " + maxReceiveBuffer + ")");
        }
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be positive, got " + maxStreams);
        }
    }

    /** paqet's settings: v2, keepalive 2 s / 8 s, frames up to 65535, smuxbuf 4 MiB, streambuf 2 MiB. */
    public static MuxConfig paqetDefaults() {
        return new MuxConfig(
                2,
                Duration.ofSeconds(2),
                Duration.ofSeconds(8),
                MAX_FRAME_SIZE_LIMIT,
                4 * 1024 * 1024,
                2 * 1024 * 1024,
                16384);
    }

    /**
     * kcptun's settings: its own smuxbuf 4 MiB, streambuf 2 MiB and keepalive 10 s on top of smux's defaults for
     * the rest (timeout 30 s, frames up to 32768).
     */
    public static MuxConfig kcptunDefaults(int version) {
        return new MuxConfig(
                version,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                32768,
                4 * 1024 * 1024,
                2 * 1024 * 1024,
                65536);
    }

    public MuxConfig withVersion(int v) {
        return new MuxConfig(
                v, keepAliveInterval, keepAliveTimeout, maxFrameSize, maxReceiveBuffer, maxStreamBuffer, maxStreams);
    }

    public MuxConfig withKeepAlive(Duration interval, Duration timeout) {
        return new MuxConfig(version, interval, timeout, maxFrameSize, maxReceiveBuffer, maxStreamBuffer, maxStreams);
    }

    public MuxConfig withBuffers(int receiveBuffer, int streamBuffer) {
        return new MuxConfig(
                version, keepAliveInterval, keepAliveTimeout, maxFrameSize, receiveBuffer, streamBuffer, maxStreams);
    }

    public MuxConfig withMaxFrameSize(int size) {
        return new MuxConfig(
                version, keepAliveInterval, keepAliveTimeout, size, maxReceiveBuffer, maxStreamBuffer, maxStreams);
    }

    public MuxConfig withMaxStreams(int streams) {
        return new MuxConfig(
                version, keepAliveInterval, keepAliveTimeout, maxFrameSize, maxReceiveBuffer, maxStreamBuffer, streams);
    }
}
