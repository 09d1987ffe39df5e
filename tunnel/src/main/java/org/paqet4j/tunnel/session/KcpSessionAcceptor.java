package org.paqet4j.tunnel.session;

import java.io.IOException;
import java.util.Optional;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.server.SessionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts KCP sessions from a listener, puts an smux server session on each and hands it to the
 * {@link SessionHandler}. Runs on its own virtual thread until the listener closes.
 */
public final class KcpSessionAcceptor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KcpSessionAcceptor.class);

    private final KcpListener listener;
    private final SessionHandler server;
    private final TransportSettings settings;
    private final LiveSessions live;
    private final Thread thread;
    private volatile boolean closed;

    public KcpSessionAcceptor(KcpListener listener, SessionHandler server, TransportSettings settings) {
        this(listener, server, settings, new LiveSessions());
    }

    /** @param live where each accepted session is registered for the status endpoint */
    public KcpSessionAcceptor(
            KcpListener listener, SessionHandler server, TransportSettings settings, LiveSessions live) {
        this.listener = listener;
        this.live = live;
        this.server = server;
        this.settings = settings;
        this.thread = Thread.ofVirtual()
                .name("kcp-accept-" + AddressText.of(listener.localAddress()))
                .start(this::run);
    }

    private void run() {
        while (!closed) {
            KcpSession kcp;
            try {
                kcp = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("KCP listener {} stopped: {}", AddressText.of(listener.localAddress()), e.toString());
                }
                return;
            }
            MuxSession mux;
            try {
                mux = MuxSession.server(
                        settings.compression().transport(kcp.inputStream(), kcp.outputStream(), kcp::close),
                        settings.mux(),
                        settings.memory());
            } catch (IOException | RuntimeException e) {
                log.warn("mux session for {} failed: {}", AddressText.of(kcp.remoteAddress()), e.toString());
                kcp.close();
                continue;
            }
            kcp.onClose(mux::close);
            live.add(kcp, mux, Optional.empty());
            server.serve(new MuxTunnelSession(mux, kcp.remoteAddress()));
        }
    }

    /** Stops accepting (closes the listener and with it every KCP session it owns). */
    @Override
    public void close() {
        closed = true;
        listener.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
