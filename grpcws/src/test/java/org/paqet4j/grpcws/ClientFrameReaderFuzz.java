package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the client's frame reader: any bytes from a server, in any chunks. Only
 * {@link CorruptedWebSocketFrameException} may be thrown; every piece handed out is released
 * cleanly (no buffer is released twice or leaked: the input buffers end at refcount 0); and the
 * chunking does not matter: the payload bytes, the control frames and the outcome equal those of
 * reading the same bytes in one piece.
 */
class ClientFrameReaderFuzz {

    private record Outcome(byte[] data, List<String> controls, boolean failed) {}

    private static Outcome read(byte[] wire, int[] chunks, long limit) {
        ClientFrameReader reader = new ClientFrameReader(limit);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<String> controls = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();
        boolean failed = false;
        int at = 0;
        for (int i = 0; at < wire.length; i++) {
            int n = Math.min(chunks[i % chunks.length], wire.length - at);
            ByteBuf in = Unpooled.copiedBuffer(wire, at, n);
            inputs.add(in);
            at += n;
            try {
                reader.read(in, f -> {
                    switch (f.getClass().getSimpleName()) {
                        case "BinaryWebSocketFrame", "ContinuationWebSocketFrame", "TextWebSocketFrame" ->
                            data.writeBytes(ByteBufUtil.getBytes(f.content()));
                        default -> controls.add(f.getClass().getSimpleName() + ByteBufUtil.hexDump(f.content()));
                    }
                    f.release();
                });
            } catch (CorruptedWebSocketFrameException e) {
                failed = true;
            } finally {
                assertThat(in.isReadable()).isFalse();
                in.release();
            }
        }
        reader.release();
        for (ByteBuf in : inputs) {
            assertThat(in.refCnt()).isZero();
        }
        return new Outcome(data.toByteArray(), controls, failed);
    }

    @FuzzTest(maxDuration = "30s")
    void anyChunking(FuzzedDataProvider input) {
        long limit = input.consumeLong(0, 1 << 20);
        int[] chunks = new int[input.consumeInt(1, 8)];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = input.consumeInt(1, 300);
        }
        byte[] wire = input.consumeRemainingAsBytes();
        Outcome whole = read(wire, new int[] {Math.max(1, wire.length)}, limit);
        Outcome chunked = read(wire, chunks, limit);
        assertThat(chunked.failed()).isEqualTo(whole.failed());
        assertThat(chunked.controls()).isEqualTo(whole.controls());
        // Violations are found in headers, before any of that frame is passed on.
        assertThat(chunked.data()).isEqualTo(whole.data());
    }
}
