package org.paqet4j.grpcws;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a bridge port, one per TCP connection until it upgrades: serves the browser
 * client's fixed files, and on the WebSocket path checks the upgrade (400/426), the Origin (403)
 * and the limits (429) before answering 101 — refusals cost the server one small response and no
 * WebSocket state. Every response that is not an upgrade closes the connection.
 */
final class HttpGate extends SimpleChannelInboundHandler<Object> {

    private static final Logger log = LoggerFactory.getLogger(HttpGate.class);
    private static final LogThrottle refusedLog = new LogThrottle(Duration.ofSeconds(10));

    private final GrpcWebSocketBridge bridge;
    private final InetSocketAddress tcpPeer;

    HttpGate(GrpcWebSocketBridge bridge, InetSocketAddress tcpPeer) {
        super(false);
        this.bridge = bridge;
        this.tcpPeer = tcpPeer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            // Frames that arrive while the upgrade completes belong to the pipe handler behind us.
            ctx.fireChannelRead(frame);
            return;
        }
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            handle(ctx, request);
        } finally {
            request.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request");
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(bridge.path())) {
            Optional<StaticFiles.File> file =
                    request.method() == HttpMethod.GET ? bridge.staticFiles().lookup(path) : Optional.empty();
            if (file.isPresent()) {
                FullHttpResponse response = new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(file.get().body()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, file.get().contentType());
                response.headers().set("X-Content-Type-Options", "nosniff");
                send(ctx, response);
            } else {
                respond(ctx, HttpResponseStatus.NOT_FOUND, "not found");
            }
            return;
        }
        if (request.method() != HttpMethod.GET) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "the WebSocket path takes a GET upgrade");
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            FullHttpResponse response =
                    text(HttpResponseStatus.UPGRADE_REQUIRED, "this path takes a WebSocket upgrade");
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            send(ctx, response);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!bridge.originAllowed(origin, request.headers().get(HttpHeaderNames.HOST))) {
            refused("origin " + origin);
            respond(ctx, HttpResponseStatus.FORBIDDEN, "origin not allowed");
            return;
        }
        InetSocketAddress client =
                ClientAddress.resolve(tcpPeer, request.headers().getAll("X-Forwarded-For"), bridge.trustedProxies());
        WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + bridge.path(),
                "*",
                WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(bridge.limits().readLimitBytes())
                        .allowExtensions(false)
                        .expectMaskedFrames(true)
                        .allowMaskMismatch(false)
                        .build());
        // Only RFC 6455 (version 13); older drafts (and a missing version, which Netty would
        // read as the 2010 draft) get 426 naming the version we speak.
        WebSocketServerHandshaker handshaker = "13".equals(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
                ? factory.newHandshaker(request)
                : null;
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!request.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_KEY)) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "missing Sec-WebSocket-Key");
            return;
        }
        Admission.Verdict verdict = bridge.admission().tryAdmit(client.getAddress());
        if (verdict != Admission.Verdict.ADMITTED) {
            refused(client.getAddress().getHostAddress() + " " + verdict);
            FullHttpResponse response = text(HttpResponseStatus.TOO_MANY_REQUESTS, "try again later");
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            send(ctx, response);
            return;
        }
        bridge.upgrade(ctx, handshaker, request, new WebSocketPeer(client, Optional.ofNullable(origin)));
    }

    private static void refused(String what) {
        if (refusedLog.permit()) {
            log.info("grpc-bridge: refused upgrade: {} ({} more suppressed)", what, refusedLog.takeSuppressed());
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        send(ctx, text(status, body));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
