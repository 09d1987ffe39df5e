package org.paqet4j.tunnel.runtime;

import java.time.Duration;
import java.util.List;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.tunnel.server.SessionHandler;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.LiveSessions;
import org.paqet4j.tunnel.session.TransportSettings;

/**
 * A running server: the KCP listener feeding the {@link SessionHandler}, and the lower layers
 * (event loop, carrier, firewall rules). Shutdown: refuse new sessions, drain streams, close the
 * mux sessions (each then closes its KCP session), the listener, then the lower layers in order.
 */
public final class ServerRuntime implements AutoCloseable {

    private final SessionHandler server;
    private final GracefulShutdown shutdown = new GracefulShutdown();
    private final String startupLine;

    private ServerRuntime(
            SessionHandler server,
            KcpListener listener,
            TransportSettings settings,
            LiveSessions live,
            List<? extends AutoCloseable> lowerLayers) {
        this.server = server;
        KcpSessionAcceptor acceptor = new KcpSessionAcceptor(listener, server, settings, live);
        this.startupLine = "server listening on " + ClientRuntime.format(listener.localAddress());
        shutdown.stopAccepting("tunnel sessions", server::stopAccepting)
                .drain("tunnel streams", server::awaitDrained)
                .thenClose("mux sessions", server)
                .thenClose("KCP listener", acceptor);
        for (AutoCloseable lower : lowerLayers) {
            shutdown.thenClose(lower.toString(), lower);
        }
    }

    /** @param lowerLayers closed last, in this order (event loop, carrier, firewall rules) */
    public static ServerRuntime start(
            SessionHandler server,
            KcpListener listener,
            TransportSettings settings,
            List<? extends AutoCloseable> lowerLayers) {
        return new ServerRuntime(server, listener, settings, new LiveSessions(), lowerLayers);
    }

    /**
     * @param live        where accepted sessions are registered for the status endpoint
     * @param lowerLayers closed last, in this order (event loop, carrier, firewall rules)
     */
    public static ServerRuntime start(
            SessionHandler server,
            KcpListener listener,
            TransportSettings settings,
            LiveSessions live,
            List<? extends AutoCloseable> lowerLayers) {
        return new ServerRuntime(server, listener, settings, live, lowerLayers);
    }

    public SessionHandler server() {
        return server;
    }

    public String startupLine() {
        return startupLine;
    }

    public boolean shutdown(Duration budget) {
        return shutdown.run(budget);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
