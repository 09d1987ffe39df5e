package org.paqet4j.grpcws;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Opens client WebSockets to one bridge URL (ws:// or wss://). The promise completes with the
 * channel once the server answered 101; the channel's pipeline then holds only the frame codec and
 * whatever the caller adds.
 */
final class WebSocketDialer implements WebSocketOpener {

    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final URI uri;
    private final ClientOptions options;
    private final String host;
    private final int port;
    private final SslContext tls;

    WebSocketDialer(URI uri, ClientOptions options) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("bridge URL " + uri + " is not ws:// or wss://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("bridge URL " + uri + " has no host");
        }
        this.uri = uri;
        this.options = options;
        this.host = uri.getHost();
        this.port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("wss") ? 443 : 80;
        try {
            this.tls = !scheme.equals("wss")
                    ? null
                    : options.tls().isPresent()
                            ? options.tls().get()
                            : SslContextBuilder.forClient()
                                    .sslProvider(SslProvider.JDK)
                                    .endpointIdentificationAlgorithm("HTTPS")
                                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for " + uri + ": " + e.getMessage(), e);
        }
    }

    URI uri() {
        return uri;
    }

    /** Dials on {@code loop}; the promise fails with an IOException naming the URL and what went wrong. */
    @Override
    public Promise<Channel> open(EventLoop loop) {
        Promise<Channel> result = loop.newPromise();
        HttpHeaders headers = new DefaultHttpHeaders();
        options.headers().forEach(headers::add);
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, headers, options.readLimitBytes());
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        options.connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(16 * 1024));
                        ch.pipeline().addLast(new Handshake(handshaker, result));
                    }
                })
                .connect(host, port);
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.tryFailure(new IOException(
                        "WebSocket " + uri + ": connect failed: " + f.cause().getMessage(), f.cause()));
            }
        });
        // Covers a server that accepts TCP but never answers the upgrade.
        loop.schedule(
                () -> {
                    if (result.tryFailure(
                            new IOException("WebSocket " + uri + ": no upgrade within " + options.connectTimeout()))) {
                        connecting.channel().close();
                    }
                },
                options.connectTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        return result;
    }

    /** Sends the upgrade request and waits for the 101. */
    private static final class Handshake extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final WebSocketClientHandshaker handshaker;
        private final Promise<Channel> result;

        Handshake(WebSocketClientHandshaker handshaker, Promise<Channel> result) {
            this.handshaker = handshaker;
            this.result = result;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(true);
            handshaker.handshake(ctx.channel()).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, "sending the upgrade failed: " + f.cause().getMessage());
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            try {
                handshaker.finishHandshake(ctx.channel(), response);
            } catch (RuntimeException e) {
                fail(ctx, "upgrade refused: HTTP " + response.status());
                return;
            }
            // Netty's decoder copies every frame twice; ours passes payloads on as slices.
            ctx.pipeline()
                    .replace(
                            WebSocketFrameDecoder.class,
                            "grpcws-frame-decoder",
                            new ClientFrameDecoder(handshaker.maxFramePayloadLength()));
            ctx.pipeline().remove(this);
            ctx.channel().config().setAutoRead(false);
            if (!result.trySuccess(ctx.channel())) {
                ctx.close(); // timed out meanwhile
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, "connection closed during the upgrade");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause.toString());
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            result.tryFailure(new IOException("WebSocket " + handshaker.uri() + ": " + why));
            ctx.close();
        }
    }
}
