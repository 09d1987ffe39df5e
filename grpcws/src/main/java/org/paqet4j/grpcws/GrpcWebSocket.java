package org.paqet4j.grpcws;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A grpc-java {@link ManagedChannel} whose connections run over WebSockets to a bridge.
 *
 * <pre>{@code
 * ManagedChannel channel = GrpcWebSocket.channel(URI.create("wss://api.example/grpc"),
 *         ClientOptions.defaults().withHeader("Authorization", "Bearer " + token));
 * try {
 *     EchoMessage reply = ClientCalls.blockingUnaryCall(channel, EchoMethods.UNARY, CallOptions.DEFAULT, request);
 * } finally {
 *     channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * Inside, grpc-java's Netty transport connects to a private in-process address, and every
 * connection made there is carried over its own new WebSocket. When a WebSocket drops, the calls
 * on it fail with UNAVAILABLE and the next call opens a new one.
 */
public final class GrpcWebSocket {

    private GrpcWebSocket() {}

    public static ManagedChannel channel(URI bridge) {
        return channel(bridge, ClientOptions.defaults(), b -> {});
    }

    public static ManagedChannel channel(URI bridge, ClientOptions options) {
        return channel(bridge, options, b -> {});
    }

    /**
     * @param configure adjusts the grpc-java channel (message size limits, interceptors, retries);
     *                  its address, transport and event loops are the bridge's and must stay
     */
    public static ManagedChannel channel(URI bridge, ClientOptions options, Consumer<NettyChannelBuilder> configure) {
        WebSocketDialer dialer = new WebSocketDialer(bridge, options);
        // One thread runs grpc-java's local connections and the WebSockets that carry them, so
        // bytes never wait for another thread to wake up on their way out or in.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("grpcws-client", true), SocketAndLocalIoHandler.newFactory());
        H2cListener listener;
        try {
            listener = new H2cListener(
                    group, group, LocalServerChannel.class, new LocalAddress(GrpcWebSocket.class), dialer, options);
        } catch (IOException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new UncheckedIOException(e);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(listener.address())
                .channelType(LocalChannel.class)
                .eventLoopGroup(group)
                // grpc-netty sets SO_KEEPALIVE, which local channels do not have (Netty would warn per connection).
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                // Responses reach grpc-java as the WebSocket delivered them, not copied again.
                .withOption(ChannelOption.RCVBUF_ALLOCATOR, LocalPassThroughReads.standard())
                .overrideAuthority(authority(bridge))
                .usePlaintext();
        configure.accept(builder);
        return new Owned(builder.build(), listener, group);
    }

    private static String authority(URI uri) {
        return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    /** The channel plus the listener and event loops it owns, released once the channel terminated. */
    private static final class Owned extends ManagedChannel {
        private final ManagedChannel inner;
        private final H2cListener listener;
        private final EventLoopGroup group;
        private final CountDownLatch released = new CountDownLatch(1);
        private boolean releaseStarted;

        Owned(ManagedChannel inner, H2cListener listener, EventLoopGroup group) {
            this.inner = inner;
            this.listener = listener;
            this.group = group;
        }

        private synchronized void releaseWhenTerminated() {
            if (releaseStarted) {
                return;
            }
            releaseStarted = true;
            Thread.ofVirtual().name("grpcws-client-release").start(() -> {
                try {
                    while (!inner.awaitTermination(1, TimeUnit.SECONDS)) {
                        // Calls still running; shutdownNow() ends them.
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                listener.close();
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
                released.countDown();
            });
        }

        @Override
        public ManagedChannel shutdown() {
            inner.shutdown();
            releaseWhenTerminated();
            return this;
        }

        @Override
        public ManagedChannel shutdownNow() {
            inner.shutdownNow();
            releaseWhenTerminated();
            return this;
        }

        @Override
        public boolean isShutdown() {
            return inner.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return released.getCount() == 0;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return released.await(timeout, unit);
        }

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return inner.newCall(method, options);
        }

        @Override
        public String authority() {
            return inner.authority();
        }

        @Override
        public ConnectivityState getState(boolean requestConnection) {
            return inner.getState(requestConnection);
        }

        @Override
        public void notifyWhenStateChanged(ConnectivityState source, Runnable callback) {
            inner.notifyWhenStateChanged(source, callback);
        }

        @Override
        public void resetConnectBackoff() {
            inner.resetConnectBackoff();
        }

        @Override
        public void enterIdle() {
            inner.enterIdle();
        }
    }
}
