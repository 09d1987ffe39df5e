package org.paqet4j.grpcws;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse pipe: accepts plain h2c connections (TCP for the {@code connect} command, a Netty
 * local address for {@link GrpcWebSocket#channel}) and carries each over its own new WebSocket to
 * a bridge. The accepted connection is not read until its WebSocket is up, so the client's HTTP/2
 * preface waits in the socket instead of in memory; when the WebSocket cannot be opened the
 * connection is closed and the gRPC client sees UNAVAILABLE.
 */
final class H2cListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(H2cListener.class);
    private static final LogThrottle dialLog = new LogThrottle(Duration.ofSeconds(10));
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final WebSocketOpener dialer;
    private final ClientOptions options;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final Channel serverChannel;
    private final EventLoopGroup dialGroup;
    private final boolean sameGroup;

    /**
     * @param acceptGroup runs the listener and the accepted connections
     * @param dialGroup   runs the WebSockets (a NIO group; may be the same as acceptGroup)
     */
    H2cListener(
            EventLoopGroup acceptGroup,
            EventLoopGroup dialGroup,
            Class<? extends ServerChannel> channelType,
            SocketAddress listen,
            WebSocketOpener dialer,
            ClientOptions options)
            throws IOException {
        this.dialer = dialer;
        this.dialGroup = dialGroup;
        this.sameGroup = acceptGroup == dialGroup;
        this.options = options;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup)
                .channel(channelType)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel accepted) {
                        carry(accepted);
                    }
                });
        if (LocalServerChannel.class.isAssignableFrom(channelType)) {
            // grpc-java's frames go into the WebSocket message as written, not copied again.
            bootstrap.childOption(ChannelOption.RCVBUF_ALLOCATOR, LocalPassThroughReads.standard());
        }
        ChannelFuture bound = bootstrap.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException(
                    "cannot listen on " + listen + ": " + bound.cause().getMessage(), bound.cause());
        }
        serverChannel = bound.channel();
    }

    SocketAddress address() {
        return serverChannel.localAddress();
    }

    /** WebSockets open now. */
    int activeConnections() {
        return pipes.size();
    }

    private void carry(Channel accepted) {
        Future<Channel> dialing = dialer.open(sameGroup ? accepted.eventLoop() : dialGroup.next());
        // Closing the accepted connection while dialing must not leave the WebSocket behind.
        dialing.addListener(f -> {
            if (!f.isSuccess()) {
                if (dialLog.permit()) {
                    log.warn("{} ({} more suppressed)", f.cause().getMessage(), dialLog.takeSuppressed());
                }
                accepted.close();
                return;
            }
            Channel ws = dialing.getNow();
            Pipe pipe = new Pipe(ws, () -> WebSocketCloseStatus.NORMAL_CLOSURE, () -> {});
            pipes.add(pipe);
            // Attached before the WebSocket is read: frames that came with the 101 go straight on.
            ws.pipeline().addLast(new WebSocketToStream(pipe, options.readLimitBytes()));
            pipe.attachStream(accepted);
            // Either side may have closed before its handler was in place (the bridge refusing
            // right after the upgrade, the gRPC client giving up); close futures fire even then.
            ws.closeFuture().addListener(c -> {
                pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
                pipes.remove(pipe);
            });
            accepted.closeFuture().addListener(c -> pipe.streamEnded());
            if (pipe.isClosed()) {
                return;
            }
            pipe.startKeepalive(options.pingInterval(), options.idleTimeout());
            ws.config().setAutoRead(true);
            startReading(accepted, pipe);
        });
    }

    /**
     * Installs the stream handler and turns reading on from the accepted connection's own event
     * loop. This listener may run on the dial loop while the accepted loop is still registering
     * the connection: a handler added from another thread stays pending (inbound data skips it)
     * until a task on the accepted loop completes it, and an AUTO_READ flag set from here is seen
     * at once by the registration's channelActive, which then starts reading. The client's first
     * bytes (its HTTP/2 preface) would be read past the pending handler and dropped. As a task on
     * the accepted loop, both steps happen after the registration and before any read.
     */
    private static void startReading(Channel accepted, Pipe pipe) {
        try {
            accepted.eventLoop().execute(() -> {
                if (pipe.isClosed()) {
                    return;
                }
                accepted.pipeline().addLast(new StreamToWebSocket(pipe));
                accepted.config().setAutoRead(true);
            });
        } catch (RejectedExecutionException e) {
            // The accepted connection's loop is shutting down: nothing can be carried any more.
            pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
        }
    }

    /** Stops accepting and closes every carried connection with 1000. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        for (Pipe pipe : List.copyOf(pipes)) {
            pipe.close(WebSocketCloseStatus.NORMAL_CLOSURE);
        }
        for (Pipe pipe : List.copyOf(pipes)) {
            pipe.webSocket().closeFuture().awaitUninterruptibly(TimeUnit.SECONDS.toMillis(2));
        }
    }
}
