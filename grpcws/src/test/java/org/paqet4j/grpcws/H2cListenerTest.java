package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The local h2c listener against a stand-in bridge: a Netty local server that takes the
 * WebSocket frames as objects, so the interleavings of the accepted connection's loop and the
 * WebSocket's loop can be forced instead of hoped for.
 */
class H2cListenerTest {

    /**
     * The WebSocket opens while the accepted connection's loop is still registering that
     * connection (on a loaded machine the dial loop can finish a whole upgrade in that window).
     * The bytes the client wrote first — gRPC's HTTP/2 preface — must still be the first bytes
     * carried, not read past a handler that was not installed yet and dropped.
     */
    @Test
    void theClientsFirstBytesAreCarriedWhenTheWebSocketOpensBeforeTheAcceptedConnectionIsActive() throws Exception {
        EventLoopGroup acceptLoop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        EventLoopGroup dialLoop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        ByteArrayOutputStream carried = new ByteArrayOutputStream();
        LocalAddress bridgeAddress = new LocalAddress(H2cListenerTest.class);
        Channel bridge = new ServerBootstrap()
                .group(dialLoop)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof BinaryWebSocketFrame frame) {
                            synchronized (carried) {
                                ByteBuf content = frame.content();
                                byte[] bytes = new byte[content.readableBytes()];
                                content.readBytes(bytes);
                                carried.writeBytes(bytes);
                            }
                        }
                        ReferenceCountUtil.release(msg);
                    }
                })
                .bind(bridgeAddress)
                .sync()
                .channel();
        WebSocketOpener opensDuringRegistration = loop -> new OpenedWhileRegistering(loop, bridgeAddress);
        H2cListener listener = new H2cListener(
                acceptLoop,
                dialLoop,
                LocalServerChannel.class,
                new LocalAddress(H2cListenerTest.class),
                opensDuringRegistration,
                ClientOptions.defaults());
        try {
            // Like an HTTP/2 client: the preface goes out the moment the connection is up. The
            // client runs on the accepted connection's loop, as grpc-java's does in GrpcWebSocket.
            Channel client = new Bootstrap()
                    .group(acceptLoop)
                    .channel(LocalChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer("first|", StandardCharsets.US_ASCII));
                            ctx.fireChannelActive();
                        }
                    })
                    .connect(listener.address())
                    .sync()
                    .channel();
            client.writeAndFlush(Unpooled.copiedBuffer("second", StandardCharsets.US_ASCII))
                    .sync();
            BridgeBehaviourTest.await(
                    "the second write carried", () -> text(carried).endsWith("second"));
            assertThat(text(carried)).isEqualTo("first|second");
            client.close().sync();
        } finally {
            listener.close();
            bridge.close().sync();
            acceptLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            dialLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String text(ByteArrayOutputStream carried) {
        synchronized (carried) {
            return carried.toString(StandardCharsets.US_ASCII);
        }
    }

    /**
     * A dial that completes the moment the listener subscribes: the WebSocket (a local channel to
     * the stand-in bridge) opens on the dial loop, and the subscribing thread — the accepted
     * connection's loop, in the middle of registering it — is held until the listener's callback
     * has run there.
     */
    private static final class OpenedWhileRegistering extends DefaultPromise<Channel> {
        private final LocalAddress bridge;
        private final CountDownLatch callbackRan = new CountDownLatch(1);

        OpenedWhileRegistering(EventLoop loop, LocalAddress bridge) {
            super(loop);
            this.bridge = bridge;
        }

        @Override
        public Promise<Channel> addListener(GenericFutureListener<? extends Future<? super Channel>> listener) {
            super.addListener(listener);
            super.addListener(f -> callbackRan.countDown());
            new Bootstrap()
                    .group((EventLoop) executor())
                    .channel(LocalChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {}
                    })
                    .connect(bridge)
                    .addListener((ChannelFuture connected) -> {
                        if (connected.isSuccess()) {
                            trySuccess(connected.channel());
                        } else {
                            tryFailure(connected.cause());
                        }
                    });
            try {
                assertThat(callbackRan.await(60, TimeUnit.SECONDS))
                        .as("the dial callback ran")
                        .isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while holding the accepted loop", e);
            }
            return this;
        }
    }
}
