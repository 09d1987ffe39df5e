package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;

/**
 * The client's WebSocket frame decoder: {@link ClientFrameReader} in a pipeline, in place of
 * Netty's decoder once the upgrade is done. A protocol violation sends a close frame with its
 * status and closes the connection, as Netty's decoder does; the pipe then sees the connection
 * close (one close frame only: the pipe's own would be a second).
 */
final class ClientFrameDecoder extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {

    private final ClientFrameReader reader;

    ClientFrameDecoder(long maxFramePayload) {
        this.reader = new ClientFrameReader(maxFramePayload);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            reader.read(in, ctx::fireChannelRead);
        } catch (CorruptedWebSocketFrameException e) {
            // From the tail, so the frame passes the encoder wherever it sits in the pipeline.
            ctx.channel()
                    .writeAndFlush(new CloseWebSocketFrame(e.closeStatus()))
                    .addListener(ChannelFutureListener.CLOSE);
        } finally {
            in.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        reader.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reader.release();
        ctx.fireChannelInactive();
    }
}
