package org.paqet4j.tunnel.client;

import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelSession;

/**
 * kcptun mode: streams carry no header (the server connects each to its one target), there is no
 * TCPF and no PING; a session is usable as soon as it is dialed and is watched by smux keepalive
 * and KCP's dead-link detection only.
 */
public record KcptunProtocol() implements ClientProtocol {

    @Override
    public StreamHeader tcpHeader(Target target) {
        return null;
    }

    @Override
    public StreamHeader udpHeader(Target target) throws IOException {
        throw new IOException("kcptun mode carries TCP only, not UDP to " + target);
    }

    @Override
    public void setUp(TunnelSession session) {}

    @Override
    public void checkHealth(TunnelSession session, BooleanSupplier clientClosed) {}

    @Override
    public Duration ping(SessionSource sessions, long deadlineNanos) throws IOException {
        throw new IOException("kcptun mode has no PING");
    }
}
