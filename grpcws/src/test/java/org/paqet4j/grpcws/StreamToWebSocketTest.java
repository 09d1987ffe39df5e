package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamToWebSocketTest {

    private final EmbeddedChannel ws = new EmbeddedChannel();
    private final EmbeddedChannel stream = new EmbeddedChannel();

    StreamToWebSocketTest() {
        Pipe pipe = new Pipe(ws, () -> WebSocketCloseStatus.NORMAL_CLOSURE, () -> {});
        pipe.attachStream(stream);
        stream.pipeline().addLast(new StreamToWebSocket(pipe));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every binary message the WebSocket has been asked to send (and flushed), contents copied out. */
    private List<byte[]> sentMessages() {
        List<byte[]> out = new ArrayList<>();
        Object msg;
        while ((msg = ws.readOutbound()) != null) {
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) msg;
            assertThat(frame.isFinalFragment()).isTrue();
            out.add(ByteBufUtil.getBytes(frame.content()));
            frame.release();
        }
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void aReadBurstBecomesOneMessageSentAtReadComplete() {
        byte[] data = random(3 * 65536 + 17, 1);
        List<ByteBuf> reads = List.of(
                Unpooled.wrappedBuffer(data, 0, 65536),
                Unpooled.wrappedBuffer(data, 65536, 2 * 65536),
                Unpooled.wrappedBuffer(data, 3 * 65536, 17));
        for (ByteBuf read : reads) {
            stream.pipeline().fireChannelRead(read);
        }
        assertThat(sentMessages())
                .as("nothing flushed before the burst completes")
                .isEmpty();
        stream.pipeline().fireChannelReadComplete();
        List<byte[]> sent = sentMessages();
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst()).isEqualTo(data);
        assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aBurstOverTheBoundGoesOutAsSeveralMessagesInOrder() {
        int bound = StreamToWebSocket.MAX_MESSAGE_BYTES;
        byte[] data = random(2 * bound + bound / 2 + 3, 2);
        // Uneven reads, one of them alone larger than the bound.
        int[] cuts = {0, 1000, 1000 + bound + 5, data.length - 7, data.length};
        List<ByteBuf> reads = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            reads.add(Unpooled.wrappedBuffer(data, cuts[i], cuts[i + 1] - cuts[i]));
        }
        for (ByteBuf read : reads) {
            stream.pipeline().fireChannelRead(read);
        }
        assertThat(sentMessages())
                .as("written, not flushed, until the burst completes")
                .isEmpty();
        stream.pipeline().fireChannelReadComplete();
        List<byte[]> sent = sentMessages();
        assertThat(sent).extracting(m -> m.length).containsExactly(bound, bound, data.length - 2 * bound);
        assertThat(concat(sent)).isEqualTo(data);
        assertThat(reads).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aBurstOfExactlyTheBoundIsOneMessage() {
        byte[] data = random(StreamToWebSocket.MAX_MESSAGE_BYTES, 3);
        stream.pipeline().fireChannelRead(Unpooled.wrappedBuffer(data));
        stream.pipeline().fireChannelReadComplete();
        List<byte[]> sent = sentMessages();
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst()).isEqualTo(data);
    }
}
