package org.paqet4j.tunnel.client;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelSession;

/**
 * What the client speaks on its sessions: paqet's stream protocol ({@link PaqetProtocol}: a header
 * on every stream, TCPF, PING) or kcptun mode ({@link KcptunProtocol}: bare streams to the
 * server's one target).
 */
public sealed interface ClientProtocol permits PaqetProtocol, KcptunProtocol {

    /** Where {@link #ping} gets its session from; waits for one up to the ping's deadline. */
    @FunctionalInterface
    interface SessionSource {
        TunnelSession next() throws IOException;
    }

    /** The header a new TCP stream to {@code target} starts with, or null for a bare stream. */
    StreamHeader tcpHeader(Target target);

    /** The header of a new UDP stream to {@code target}; throws where the protocol carries no UDP. */
    StreamHeader udpHeader(Target target) throws IOException;

    /**
     * Runs on a freshly dialed session before streams may use it; a session that fails is closed
     * and redialed.
     */
    void setUp(TunnelSession session) throws IOException;

    /**
     * One periodic health check of a live session; throws when the session should be given up.
     *
     * @param clientClosed whether the client is closing: a check still waiting then gives up at once
     */
    void checkHealth(TunnelSession session, BooleanSupplier clientClosed) throws IOException;

    /**
     * Round-trip time of one strict PING on a session from {@code sessions}; all of it, waiting
     * for the session included, ends by {@code deadlineNanos} ({@link System#nanoTime()}). Throws
     * at once where the protocol has no PING.
     */
    Duration ping(SessionSource sessions, long deadlineNanos) throws IOException;
}
