package org.paqet4j.tunnel.server;

import java.time.Duration;
import org.paqet4j.tunnel.session.TunnelSession;

/**
 * What serves the sessions a listener accepts: the paqet {@link TunnelServer} or the kcptun-mode
 * {@link KcptunServer}, both on the shared {@link SessionServer}.
 */
public interface SessionHandler extends AutoCloseable {

    /** Takes ownership of {@code session}; false (session closed) when refused. */
    boolean serve(TunnelSession session);

    void stopAccepting();

    boolean awaitDrained(Duration timeout) throws InterruptedException;

    @Override
    void close();
}
