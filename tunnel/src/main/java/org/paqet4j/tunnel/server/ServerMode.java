package org.paqet4j.tunnel.server;

import java.time.Duration;
import org.paqet4j.tunnel.session.TunnelSession;

/**
 * A server mode ({@link TunnelServer}, {@link KcptunServer}): what one stream does, run on its own
 * {@link SessionServer}, which does everything else a {@link SessionHandler} does.
 */
public interface ServerMode extends SessionHandler, StreamService {

    /** The skeleton serving this mode's sessions. */
    SessionServer sessions();

    default ServerCounters counters() {
        return sessions().counters();
    }

    /**
     * Starts serving {@code session} on a virtual thread; the server now owns it. Returns false
     * (and closes the session) when the session limit is reached or the server is closing.
     */
    @Override
    default boolean serve(TunnelSession session) {
        return sessions().serve(session);
    }

    /** Refuses new sessions and new work on open ones; open streams continue. */
    @Override
    default void stopAccepting() {
        sessions().stopAccepting();
    }

    /** Waits up to {@code timeout} for open streams to finish; true if none is left. */
    @Override
    default boolean awaitDrained(Duration timeout) throws InterruptedException {
        return sessions().awaitDrained(timeout);
    }

    /** Closes every session (each closes its mux session before its transport). */
    @Override
    default void close() {
        sessions().close();
    }
}
