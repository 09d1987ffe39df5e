package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Duration;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket side of a {@link Pipe}: binary messages (and their continuation frames) are
 * chunks of the h2c byte stream and go to the stream channel as they arrive — no aggregation,
 * boundaries mean nothing. Nothing is ever dropped: when the stream side cannot take more,
 * reading from the WebSocket stops until it can (dropping bytes would corrupt HTTP/2).
 */
final class WebSocketToStream extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WebSocketToStream.class);
    private static final LogThrottle errorLog = new LogThrottle(Duration.ofSeconds(10));

    private final Pipe pipe;
    private final long readLimit;
    /** Proxy mode: follows the HTTP/2 frames for a graceful shutdown; null otherwise. */
    private final ProxiedH2 h2;

    private long messageBytes;
    /** True while a binary message is open (continuation frames belong to it). */
    private boolean inBinaryMessage;

    WebSocketToStream(Pipe pipe, long readLimit) {
        this(pipe, readLimit, null);
    }

    WebSocketToStream(Pipe pipe, long readLimit, ProxiedH2 h2) {
        this.pipe = pipe;
        this.readLimit = readLimit;
        this.h2 = h2;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        pipe.inboundFrame();
        switch (frame) {
            case BinaryWebSocketFrame binary -> {
                messageBytes = 0;
                inBinaryMessage = !binary.isFinalFragment();
                forward(binary);
            }
            case ContinuationWebSocketFrame continuation
            when inBinaryMessage -> {
                inBinaryMessage = !continuation.isFinalFragment();
                forward(continuation);
            }
            case TextWebSocketFrame text -> {
                // The wire format carries only binary messages; a text message ends the stream.
                text.release();
                pipe.close(WebSocketCloseStatus.NORMAL_CLOSURE);
            }
            case ContinuationWebSocketFrame textContinuation -> textContinuation.release();
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            case PongWebSocketFrame pong -> pong.release();
            case CloseWebSocketFrame close -> {
                close.release();
                pipe.close(WebSocketCloseStatus.NORMAL_CLOSURE);
            }
            default -> {
                frame.release();
                pipe.close(WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
            }
        }
    }

    private void forward(WebSocketFrame frame) {
        ByteBuf content = frame.content();
        messageBytes += content.readableBytes();
        Channel stream = pipe.stream();
        if (messageBytes > readLimit || stream == null) {
            frame.release();
            pipe.close(
                    stream == null
                            ? WebSocketCloseStatus.INTERNAL_SERVER_ERROR
                            : new WebSocketCloseStatus(1009, "message over " + readLimit + " bytes"));
            return;
        }
        if (!content.isReadable()) {
            frame.release();
            return;
        }
        if (h2 != null) {
            h2.fromClient(content);
        }
        stream.write(content.retain());
        frame.release();
        if (!stream.isWritable()) {
            Backpressure.pause(pipe.webSocket(), stream);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel stream = pipe.stream();
        if (stream != null) {
            stream.flush();
        }
        if (h2 != null && h2.drained()) {
            pipe.close(GrpcWebSocketBridge.GOING_AWAY);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel stream = pipe.stream();
        if (ctx.channel().isWritable() && stream != null) {
            stream.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (errorLog.permit()) {
            log.debug(
                    "WebSocket {}: {} ({} more suppressed)",
                    ctx.channel().remoteAddress(),
                    cause.toString(),
                    errorLog.takeSuppressed());
        }
        pipe.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR);
    }
}
