package org.paqet4j.tunnel.session;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** One client-server connection (a KCP session carrying a mux session) that streams are opened on. */
public interface TunnelSession extends Closeable {

    TunnelStream openStream() throws IOException;

    /** Blocks until the peer opens a stream; throws once the session is closed. */
    TunnelStream acceptStream() throws IOException;

    /** The peer's address (the carrier address its datagrams come from). */
    InetSocketAddress remoteAddress();

    int streamCount();

    boolean isClosed();

    /**
     * How long nothing at all arrived from the peer (zero while our own readers hold reception up).
     * Liveness is judged by this, not by one PING's latency: a PING queues behind our whole upload.
     */
    Duration peerSilence();

    /**
     * Why the session closed by itself (the peer broke the protocol, went silent past the keepalive
     * timeout, or the transport under it failed or ended); empty while open and after a local close.
     */
    default Optional<Throwable> closeCause() {
        return Optional.empty();
    }

    /** Runs {@code action} once when the session closes (at once if it already is closed). */
    void onClose(Runnable action);

    /** Closes the mux session first (so FINs still go out), then the transport under it. */
    @Override
    void close();
}
