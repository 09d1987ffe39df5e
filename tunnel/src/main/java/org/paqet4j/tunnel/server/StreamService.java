package org.paqet4j.tunnel.server;

import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;

/**
 * What a {@link SessionServer} does with one admitted stream: the paqet protocol
 * ({@link TunnelServer}) or kcptun mode's bare TCP connection ({@link KcptunServer}).
 */
public interface StreamService {

    /**
     * Serves {@code stream} on its own virtual thread; the server closes the stream afterwards.
     *
     * @param server the server serving it, asked whether it is closing (new work refused then)
     */
    void handle(SessionServer server, TunnelSession session, TunnelStream stream);

    /** Called once when a served session has closed. */
    default void sessionClosed(TunnelSession session) {}
}
