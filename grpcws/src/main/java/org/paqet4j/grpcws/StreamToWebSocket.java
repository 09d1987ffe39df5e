package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * The stream side of a {@link Pipe}: what one read burst brought in goes out as one binary
 * WebSocket message when the burst completes (fewer, larger frames than one per read). When the
 * WebSocket cannot take more, reading the stream stops until it drains.
 */
final class StreamToWebSocket extends ChannelInboundHandlerAdapter {

    private final Pipe pipe;
    /** Proxy mode: follows the HTTP/2 frames for a graceful shutdown; null otherwise. */
    private final ProxiedH2 h2;

    private CompositeByteBuf pending;

    StreamToWebSocket(Pipe pipe) {
        this(pipe, null);
    }

    StreamToWebSocket(Pipe pipe, ProxiedH2 h2) {
        this.pipe = pipe;
        this.h2 = h2;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (pending == null) {
            // Unbounded components: past the bound a composite buffer copies them all into one.
            pending = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
        CompositeByteBuf out = pending;
        if (h2 == null) {
            out.addComponent(true, buf);
        } else {
            h2.toClient(buf, b -> out.addComponent(true, b));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        sendPending(ctx.channel());
        if (h2 != null && h2.drained()) {
            pipe.close(GrpcWebSocketBridge.GOING_AWAY);
        }
    }

    private void sendPending(Channel stream) {
        CompositeByteBuf out = pending;
        pending = null;
        if (out == null) {
            return;
        }
        Channel webSocket = pipe.webSocket();
        if (pipe.isClosed()) {
            out.release();
            return;
        }
        webSocket.writeAndFlush(new BinaryWebSocketFrame(out));
        if (!webSocket.isWritable()) {
            Backpressure.pause(stream, webSocket);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            pipe.webSocket().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Bytes of the last burst (a GOAWAY, say) still reach the peer before the close frame.
        sendPending(ctx.channel());
        pipe.streamEnded();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
