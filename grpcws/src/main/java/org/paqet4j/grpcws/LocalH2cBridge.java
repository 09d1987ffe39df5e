package org.paqet4j.grpcws;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Listens on a local TCP port for plain h2c gRPC and carries each connection over its own
 * WebSocket to a bridge, so a gRPC client in any language can reach a service that is only
 * exposed as a WebSocket path.
 *
 * <pre>{@code
 * try (LocalH2cBridge local = LocalH2cBridge.start(new InetSocketAddress("127.0.0.1", 50051),
 *         URI.create("wss://api.example/grpc"), ClientOptions.defaults())) {
 *     // point any gRPC client at 127.0.0.1:50051 (plaintext)
 * }
 * }</pre>
 */
public final class LocalH2cBridge implements AutoCloseable {

    private final EventLoopGroup group;
    private final H2cListener listener;

    private LocalH2cBridge(EventLoopGroup group, H2cListener listener) {
        this.group = group;
        this.listener = listener;
    }

    public static LocalH2cBridge start(InetSocketAddress listen, URI bridge, ClientOptions options) throws IOException {
        WebSocketDialer dialer = new WebSocketDialer(bridge, options);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                0, new DefaultThreadFactory("grpcws-connect", true), NioIoHandler.newFactory());
        try {
            return new LocalH2cBridge(
                    group, new H2cListener(group, group, NioServerSocketChannel.class, listen, dialer, options));
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The TCP address it listens on (with the real port when bound to port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.address();
    }

    /** WebSockets open now (one per carried connection). */
    public int activeConnections() {
        return listener.activeConnections();
    }

    /** Stops listening and closes every carried connection (close frame 1000). */
    @Override
    public void close() {
        listener.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
