package org.paqet4j.tunnel.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.ConnectionListener;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A TCP port forward: every accepted connection becomes one TCP stream to a fixed target. */
public final class TcpForward implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TcpForward.class);

    private final ConnectionListener listener;
    private final Target target;
    private final StreamOpener tunnel;
    private final LogThrottle failureLog = new LogThrottle(Duration.ofSeconds(10));

    private TcpForward(ConnectionListener listener, Target target, StreamOpener tunnel) {
        this.listener = listener;
        this.target = target;
        this.tunnel = tunnel;
        listener.startAccepting("forward-tcp", this::serve);
    }

    public static TcpForward start(InetSocketAddress bind, Target target, StreamOpener tunnel) throws IOException {
        return start(bind, target, tunnel, ListenerLimits.defaults(1).maxConnections());
    }

    /** Serves at most {@code maxConnections} connections at once; more are closed at once and counted. */
    public static TcpForward start(InetSocketAddress bind, Target target, StreamOpener tunnel, int maxConnections)
            throws IOException {
        return new TcpForward(ConnectionListener.bind(bind, "TCP forward", maxConnections), target, tunnel);
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    public Target target() {
        return target;
    }

    public int connectionCount() {
        return listener.connectionCount();
    }

    /** The listener under this forward: accept errors, connections refused over the cap. */
    public ConnectionListener listener() {
        return listener;
    }

    private void serve(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        try (TunnelStream stream = tunnel.openTcp(target)) {
            TcpRelay.run(
                    socket,
                    stream,
                    "forward " + AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()) + " -> " + target);
        } catch (IOException e) {
            if (failureLog.permit()) {
                log.warn(
                        "TCP forward {} -> {} ({} more since the last line): {}",
                        AddressText.of((InetSocketAddress) socket.getRemoteSocketAddress()),
                        target,
                        failureLog.takeSuppressed(),
                        e.getMessage());
            }
        }
    }

    /** Waits up to {@code timeout} for open connections to finish; true if none is left. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return listener.awaitDrained(timeout);
    }

    public void stopAccepting() {
        listener.stopAccepting();
    }

    @Override
    public void close() {
        listener.close();
    }
}
