package org.paqet4j.grpcws;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;
import java.util.Map;

/**
 * Puts the {@link WebSocketPeer} of a call into its {@link Context}. The in-process server sees
 * each WebSocket as a local connection whose remote address the bridge recorded when it opened
 * that connection; this looks the peer up by that address.
 */
final class PeerInterceptor implements ServerInterceptor {

    private final Map<SocketAddress, WebSocketPeer> peers;

    PeerInterceptor(Map<SocketAddress, WebSocketPeer> peers) {
        this.peers = peers;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        WebSocketPeer peer = remote == null ? null : peers.get(remote);
        if (peer == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(
                Context.current().withValue(WebSocketPeer.CONTEXT_KEY, peer), call, headers, next);
    }
}
