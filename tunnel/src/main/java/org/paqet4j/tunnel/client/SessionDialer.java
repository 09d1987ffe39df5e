package org.paqet4j.tunnel.client;

import java.io.IOException;
import org.paqet4j.tunnel.session.TunnelSession;

/**
 * Creates the session of one connection slot: its own carrier, a KCP session to the server and a
 * mux client session on top. Called again by the slot after its session died.
 */
@FunctionalInterface
public interface SessionDialer {

    TunnelSession dial(int slot) throws IOException;
}
