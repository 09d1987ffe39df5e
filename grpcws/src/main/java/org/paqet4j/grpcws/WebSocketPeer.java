package org.paqet4j.grpcws;

import io.grpc.Context;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Who is at the far end of a WebSocket: the client address (the TCP peer, or the X-Forwarded-For
 * address when the TCP peer is a trusted proxy) and the Origin header a browser sent. gRPC
 * services behind the bridge only see an in-process connection, so they read this from
 * {@link #CONTEXT_KEY} instead of the transport attributes.
 */
public record WebSocketPeer(InetSocketAddress address, Optional<String> origin) {

    /** Set for every call that came in over a bridge WebSocket. */
    public static final Context.Key<WebSocketPeer> CONTEXT_KEY = Context.key("paqet4j-grpcws-peer");

    /** The peer of the call being served, or empty outside a bridged call. */
    public static Optional<WebSocketPeer> current() {
        return Optional.ofNullable(CONTEXT_KEY.get());
    }
}
