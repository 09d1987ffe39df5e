package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fuzz target for the proxy's HTTP/2 follower: arbitrary bytes from either side, in arbitrary
 * chunks, with the GOAWAY asked for at an arbitrary moment. Nothing may throw, every buffer is
 * released, the bytes for the client come out unchanged except for exactly one GOAWAY at the
 * first frame boundary after it was asked for (found again by scanning the whole input in one
 * piece, so chunking must not matter), and the stream table stays bounded.
 */
class ProxiedH2Fuzz {

    @FuzzTest(maxDuration = "30s")
    void shutdownMidStream(FuzzedDataProvider data) {
        ProxiedH2 h2 = new ProxiedH2();
        int askAfterChunk = data.consumeInt(0, 16);
        ByteArrayOutputStream fromBackend = new ByteArrayOutputStream();
        ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        int askedAt = -1;
        for (int round = 0; data.remainingBytes() > 0; round++) {
            if (round == askAfterChunk) {
                askedAt = fromBackend.size();
                ByteBuf now = h2.goAway();
                if (now != null) {
                    toClient.writeBytes(ByteBufUtil.getBytes(now));
                    now.release();
                }
            }
            boolean client = data.consumeBoolean();
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 512));
            if (chunk.length == 0) {
                // The input ran out: a channel never delivers an empty read (and Netty's shared
                // empty buffer cannot be released, so it would read as a leak).
                break;
            }
            ByteBuf buf = Unpooled.wrappedBuffer(chunk);
            if (client) {
                h2.fromClient(buf);
                buf.release();
            } else {
                fromBackend.writeBytes(ByteBufUtil.getBytes(buf));
                h2.toClient(buf, out -> {
                    toClient.writeBytes(ByteBufUtil.getBytes(out));
                    out.release();
                });
            }
            assertThat(buf.refCnt()).isZero();
            assertThat(h2.openStreams()).isLessThanOrEqualTo(ProxiedH2.MAX_TRACKED_STREAMS);
        }
        byte[] in = fromBackend.toByteArray();
        byte[] expected = in;
        if (askedAt >= 0) {
            int at = insertionPoint(in, askedAt);
            assertThat(h2.goAwaySent()).isEqualTo(at >= 0);
            if (at >= 0) {
                ByteArrayOutputStream e = new ByteArrayOutputStream();
                e.write(in, 0, at);
                e.writeBytes(H2FrameScanner.goAway(Integer.MAX_VALUE));
                e.write(in, at, in.length - at);
                expected = e.toByteArray();
            }
        } else {
            assertThat(h2.goAwaySent()).isFalse();
        }
        assertThat(Arrays.equals(toClient.toByteArray(), expected))
                .as("bytes for the client = backend bytes plus one GOAWAY at a boundary")
                .isTrue();
    }

    /** Where the GOAWAY belongs when asked for after {@code askedAt} bytes, or -1 if never. */
    private static int insertionPoint(byte[] in, int askedAt) {
        H2FrameScanner whole = new H2FrameScanner(false, (type, flags, stream) -> {});
        ByteBuf all = Unpooled.wrappedBuffer(in);
        whole.scan(all, 0, askedAt, false);
        if (whole.atBoundary()) {
            return askedAt;
        }
        int n = whole.scan(all, askedAt, in.length - askedAt, true);
        return whole.atBoundary() ? askedAt + n : -1;
    }
}
