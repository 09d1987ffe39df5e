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
 * WebSocket message when the burst completes (fewer, larger frames than one per read), gathered
 * without copying, and flushed once per burst. A burst larger than {@link #MAX_MESSAGE_BYTES}
 * goes out as several messages, so no peer's message size limit is ever near. When the WebSocket
 * cannot take more, reading the stream stops until it drains.
 */
final class StreamToWebSocket extends ChannelInboundHandlerAdapter {

    /**
     * The largest message sent. A read burst is normally far smaller (a socket read is at most
     * 64 KiB, a local channel passes on at most 64 of grpc-java's frames); this makes the bound
     * hold whatever the stream side delivers, well below the 16 MiB limit peers apply.
     */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final Pipe pipe;
    /** Proxy mode: follows the HTTP/2 frames for a graceful shutdown; null otherwise. */
    private final ProxiedH2 h2;

    private CompositeByteBuf pending;
    /** A message of this burst was written but not flushed yet (the burst was over the size bound). */
    private boolean unflushed;

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
        if (h2 == null) {
            append(ctx, buf);
        } else {
            h2.toClient(buf, b -> append(ctx, b));
        }
    }

    /** Adds {@code buf} (taking ownership) to the pending message, sending full messages on the way. */
    private void append(ChannelHandlerContext ctx, ByteBuf buf) {
        ByteBuf rest = buf;
        while (true) {
            if (pending == null) {
                // Unbounded components: past the bound a composite buffer copies them all into one.
                pending = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            }
            int room = MAX_MESSAGE_BYTES - pending.readableBytes();
            if (rest.readableBytes() <= room) {
                pending.addComponent(true, rest);
                return;
            }
            pending.addComponent(true, rest.readRetainedSlice(room));
            writePending(ctx.channel());
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
        if (writePending(stream) || unflushed) {
            unflushed = false;
            pipe.webSocket().flush();
        }
    }

    /** Queues the pending message on the WebSocket without flushing it; false if there was none. */
    private boolean writePending(Channel stream) {
        CompositeByteBuf out = pending;
        pending = null;
        if (out == null) {
            return false;
        }
        Channel webSocket = pipe.webSocket();
        if (pipe.isClosed()) {
            out.release();
            return false;
        }
        webSocket.write(new BinaryWebSocketFrame(out));
        unflushed = true;
        if (!webSocket.isWritable()) {
            Backpressure.pause(stream, webSocket);
        }
        return true;
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
