package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientFrameReaderTest {

    /** Frames as a server sends them, by Netty's encoder (unmasked). */
    private static byte[] serverBytes(WebSocketFrame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        for (WebSocketFrame f : frames) {
            ch.writeOutbound(f);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads {@code wire} in chunks of the given sizes (cycled); every piece is recorded and released. */
    private static List<String> read(ClientFrameReader reader, byte[] wire, ByteArrayOutputStream data, int... chunks) {
        List<String> events = new ArrayList<>();
        int at = 0;
        for (int i = 0; at < wire.length; i++) {
            int n = Math.min(chunks[i % chunks.length], wire.length - at);
            ByteBuf in = Unpooled.copiedBuffer(wire, at, n);
            at += n;
            try {
                reader.read(in, f -> {
                    String kind = f.getClass().getSimpleName().replace("WebSocketFrame", "");
                    events.add(kind + (f.isFinalFragment() ? "!" : ""));
                    if (f instanceof BinaryWebSocketFrame || f instanceof ContinuationWebSocketFrame) {
                        data.writeBytes(ByteBufUtil.getBytes(f.content()));
                    }
                    f.release();
                });
                assertThat(in.isReadable()).isFalse();
            } finally {
                in.release();
            }
        }
        return events;
    }

    @Test
    void payloadsArriveWholeWhateverTheChunking() {
        byte[] a = random(200_000, 1);
        byte[] b = random(70_000, 2);
        byte[] c = random(100, 3);
        byte[] wire = serverBytes(
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(a)),
                new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
                new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(b)),
                new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(c)),
                new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER));
        byte[] expected = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, expected, 0, a.length);
        System.arraycopy(b, 0, expected, a.length, b.length);
        System.arraycopy(c, 0, expected, a.length + b.length, c.length);
        for (int[] chunks : new int[][] {{wire.length}, {1}, {3, 65536, 7}, {16384}}) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            List<String> events = read(new ClientFrameReader(1 << 24), wire, data, chunks);
            assertThat(data.toByteArray()).isEqualTo(expected);
            assertThat(events).contains("Ping!");
            // Each message's last piece is final, and only that one.
            assertThat(events.stream().filter(e -> e.endsWith("!") && !e.startsWith("Ping")))
                    .hasSize(3);
        }
    }

    @Test
    void aFrameInOneReadIsOnePiece() {
        byte[] wire = serverBytes(
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(1000, 4))),
                new TextWebSocketFrame("end"),
                new CloseWebSocketFrame(1000, "bye"));
        List<String> events = read(new ClientFrameReader(1 << 24), wire, new ByteArrayOutputStream(), wire.length);
        assertThat(events).containsExactly("Binary!", "Text!", "Close!");
    }

    @Test
    void aFrameSplitOverReadsBecomesFragments() {
        byte[] wire = serverBytes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(random(1000, 5))));
        List<String> events = read(new ClientFrameReader(1 << 24), wire, new ByteArrayOutputStream(), 500);
        assertThat(events).containsExactly("Binary", "Continuation", "Continuation!");
    }

    private static void assertRefused(byte[] wire, long limit, int status, String what) {
        ClientFrameReader reader = new ClientFrameReader(limit);
        List<WebSocketFrame> passed = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(wire);
        try {
            assertThatThrownBy(() -> reader.read(in, passed::add))
                    .isInstanceOfSatisfying(
                            CorruptedWebSocketFrameException.class,
                            e -> assertThat(e.closeStatus().code()).isEqualTo(status))
                    .hasMessageContaining(what);
            assertThat(in.isReadable()).isFalse();
        } finally {
            in.release();
            passed.forEach(WebSocketFrame::release);
        }
        // Done after a violation: later input is ignored.
        ByteBuf more =
                Unpooled.wrappedBuffer(serverBytes(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[10]))));
        List<WebSocketFrame> after = new ArrayList<>();
        reader.read(more, after::add);
        more.release();
        assertThat(after).isEmpty();
    }

    @Test
    void violationsAreRefusedWithTheirStatus() {
        assertRefused(new byte[] {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 9}, 100, 1002, "masked");
        assertRefused(new byte[] {(byte) 0xc2, 1, 9}, 100, 1002, "reserved bits");
        assertRefused(new byte[] {(byte) 0x83, 0}, 100, 1002, "reserved opcode 3");
        assertRefused(new byte[] {(byte) 0x80, 1, 9}, 100, 1002, "continuation frame outside");
        assertRefused(new byte[] {0x02, 1, 9, (byte) 0x82, 0}, 100, 1002, "new message before");
        assertRefused(new byte[] {0x09, 0}, 100, 1002, "fragmented control");
        assertRefused(new byte[] {(byte) 0x89, 126, 0, (byte) 200}, 1000, 1002, "over 125");
        assertRefused(new byte[] {(byte) 0x88, 1, 3}, 100, 1002, "1-byte payload");
        assertRefused(new byte[] {(byte) 0x82, 126, 0, 10}, 100, 1002, "not minimally encoded");
        assertRefused(new byte[] {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0}, 100, 1002, "top bit");
        assertRefused(new byte[] {(byte) 0x82, 126, 1, 0}, 255, 1009, "over the limit of 255");
    }

    @Test
    void aPartialControlFrameIsReleasedWithTheReader() {
        ClientFrameReader reader = new ClientFrameReader(100);
        ByteBuf in = Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 5, 1, 2});
        reader.read(in, f -> {
            throw new AssertionError("nothing is complete yet");
        });
        in.release();
        reader.release();
        reader.release();
    }
}
