package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.net.Socket;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.relay.TcpRelay;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kcptun mode: every stream, with no header, is one TCP connection to the one configured target,
 * as kcptun-server does. Limits as in paqet mode; the target is the operator's, so no access rules.
 */
public final class KcptunServer implements ServerMode {

    private static final Logger log = LoggerFactory.getLogger(KcptunServer.class);

    private final Target target;
    private final TargetDialer dialer;
    private final SessionServer sessions;

    public KcptunServer(Target target, ServerLimits limits, HostResolver resolver) {
        this.target = target;
        this.dialer = new TargetDialer(AccessRules.allowAll(), resolver, limits.dialTimeout());
        this.sessions = new SessionServer("kcptun ", limits, new ServerCounters(), this);
    }

    @Override
    public SessionServer sessions() {
        return sessions;
    }

    /** Connects the stream to the target and relays both ways; refused while the server is closing. */
    @Override
    public void handle(SessionServer server, TunnelSession session, TunnelStream stream) {
        if (server.isClosing()) {
            server.refuseWhileClosing(session, stream, "new stream");
            return;
        }
        try (Socket socket = dialer.dialTcp(target)) {
            TcpRelay.run(socket, stream, "kcptun stream " + stream.id() + " -> " + target);
        } catch (IOException e) {
            log.info("kcptun stream {} -> {}: {}", stream.id(), target, e.getMessage());
        }
    }
}
