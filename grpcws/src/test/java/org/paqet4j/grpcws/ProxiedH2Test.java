package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxiedH2Test {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int DATA = 0x0;
    private static final int RST = 0x3;
    private static final int CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private static byte[] frame(int type, int flags, int stream, int payloadBytes) {
        byte[] f = new byte[9 + payloadBytes];
        f[0] = (byte) (payloadBytes >>> 16);
        f[1] = (byte) (payloadBytes >>> 8);
        f[2] = (byte) payloadBytes;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        return f;
    }

    private static byte[] toClient(ProxiedH2 h2, byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : pieces) {
            h2.toClient(Unpooled.wrappedBuffer(p), b -> {
                out.writeBytes(ByteBufUtil.getBytes(b));
                b.release();
            });
        }
        return out.toByteArray();
    }

    private static void fromClient(ProxiedH2 h2, byte[]... pieces) {
        for (byte[] p : pieces) {
            ByteBuf b = Unpooled.wrappedBuffer(p);
            h2.fromClient(b);
            b.release();
        }
    }

    @Test
    void aStreamIsOpenUntilBothSidesEndedIt() {
        ProxiedH2 h2 = new ProxiedH2();
        fromClient(h2, PREFACE, frame(HEADERS, END_HEADERS, 1, 5), frame(DATA, END_STREAM, 1, 7));
        assertThat(h2.openStreams()).isEqualTo(1);
        toClient(h2, frame(HEADERS, END_HEADERS, 1, 3), frame(DATA, 0, 1, 100));
        assertThat(h2.openStreams()).isEqualTo(1);
        toClient(h2, frame(HEADERS, END_HEADERS | END_STREAM, 1, 4));
        assertThat(h2.openStreams()).isZero();
    }

    @Test
    void aResetEndsAStreamFromEitherSide() {
        ProxiedH2 h2 = new ProxiedH2();
        fromClient(h2, PREFACE, frame(HEADERS, END_HEADERS, 1, 5), frame(HEADERS, END_HEADERS, 3, 5));
        assertThat(h2.openStreams()).isEqualTo(2);
        fromClient(h2, frame(RST, 0, 1, 4));
        toClient(h2, frame(RST, 0, 3, 4));
        assertThat(h2.openStreams()).isZero();
    }

    @Test
    void theGoawayWaitsForTheEndOfAFrameAndOfAHeaderBlock() {
        ProxiedH2 h2 = new ProxiedH2();
        byte[] data = frame(DATA, 0, 1, 10);
        byte[] headers = frame(HEADERS, 0, 1, 2); // no END_HEADERS: a CONTINUATION must follow at once
        byte[] continuation = frame(CONTINUATION, END_HEADERS, 1, 2);
        byte[] firstHalf = java.util.Arrays.copyOf(data, 12);
        byte[] rest = java.util.Arrays.copyOfRange(data, 12, data.length);
        byte[] sent = toClient(h2, firstHalf);
        assertThat(h2.goAway()).as("in the middle of a DATA frame").isNull();
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        after.writeBytes(rest);
        after.writeBytes(headers);
        after.writeBytes(continuation);
        byte[] out = toClient(h2, after.toByteArray(), headers);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(rest);
        expected.writeBytes(H2FrameScanner.goAway(Integer.MAX_VALUE));
        expected.writeBytes(headers);
        expected.writeBytes(continuation);
        expected.writeBytes(headers);
        assertThat(sent).isEqualTo(firstHalf);
        assertThat(out).isEqualTo(expected.toByteArray());
        assertThat(h2.goAwaySent()).isTrue();
        assertThat(h2.drained()).as("inside the last header block").isFalse();
    }

    @Test
    void drainedOnceTheGoawayIsOutAndNoStreamIsOpen() {
        ProxiedH2 h2 = new ProxiedH2();
        fromClient(h2, PREFACE, frame(HEADERS, END_HEADERS | END_STREAM, 1, 5));
        ByteBuf now = h2.goAway();
        assertThat(now).isNotNull();
        assertThat(ByteBufUtil.getBytes(now)).isEqualTo(H2FrameScanner.goAway(Integer.MAX_VALUE));
        now.release();
        assertThat(h2.drained()).isFalse();
        toClient(h2, frame(HEADERS, END_HEADERS | END_STREAM, 1, 5));
        assertThat(h2.drained()).isTrue();
    }

    @Test
    void theStreamTableIsBounded() {
        ProxiedH2 h2 = new ProxiedH2();
        fromClient(h2, PREFACE);
        for (int id = 1; id <= 2 * ProxiedH2.MAX_TRACKED_STREAMS + 1; id += 2) {
            fromClient(h2, frame(HEADERS, END_HEADERS, id, 0));
        }
        assertThat(h2.openStreams()).isZero();
        ByteBuf now = h2.goAway();
        now.release();
        assertThat(h2.drained()).as("untracked: kept until the grace ends").isFalse();
    }
}
