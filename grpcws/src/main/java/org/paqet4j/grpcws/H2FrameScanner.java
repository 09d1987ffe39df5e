package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;

/**
 * Follows one direction of a proxied HTTP/2 connection frame by frame without changing a byte: it
 * reads the 9-byte frame headers, skips payloads by their length and reports each frame's type,
 * flags and stream. The proxy needs only this much to know where it may insert a frame of its own
 * (between two frames, never inside a header block, which HTTP/2 forbids interrupting) and which
 * streams are open. It decodes nothing else: the endpoints check the frames themselves.
 */
final class H2FrameScanner {

    /** Receives each frame header as soon as it is complete (its payload may still be on its way). */
    interface FrameListener {
        void frame(int type, int flags, int streamId);
    }

    static final int PREFACE_BYTES = 24;
    static final int TYPE_DATA = 0x0;
    static final int TYPE_HEADERS = 0x1;
    static final int TYPE_RST_STREAM = 0x3;
    static final int TYPE_PUSH_PROMISE = 0x5;
    static final int TYPE_GOAWAY = 0x7;
    static final int TYPE_CONTINUATION = 0x9;
    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    private static final int HEADER_BYTES = 9;

    private final FrameListener listener;
    private final byte[] header = new byte[HEADER_BYTES];
    private int prefaceLeft;
    private int headerFill;
    private int payloadLeft;
    private boolean inHeaderBlock;

    /**
     * @param clientToServer the client's direction starts with the 24-byte connection preface
     */
    H2FrameScanner(boolean clientToServer, FrameListener listener) {
        this.prefaceLeft = clientToServer ? PREFACE_BYTES : 0;
        this.listener = listener;
    }

    /** True between two frames and outside a header block: a frame inserted here is valid HTTP/2. */
    boolean atBoundary() {
        return prefaceLeft == 0 && headerFill == 0 && payloadLeft == 0 && !inHeaderBlock;
    }

    /** Scans all readable bytes of {@code buf} (its indexes do not move). */
    void scan(ByteBuf buf) {
        scan(buf, buf.readerIndex(), buf.readableBytes(), false);
    }

    /**
     * Scans from {@code index} for at most {@code length} bytes; with {@code stopAtBoundary} it
     * stops at the first boundary it reaches after at least one byte. Returns the bytes scanned.
     */
    int scan(ByteBuf buf, int index, int length, boolean stopAtBoundary) {
        int pos = index;
        int end = index + length;
        while (pos < end) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, end - pos);
                prefaceLeft -= n;
                pos += n;
            } else if (payloadLeft > 0) {
                int n = Math.min(payloadLeft, end - pos);
                payloadLeft -= n;
                pos += n;
            } else {
                header[headerFill++] = buf.getByte(pos++);
                if (headerFill == HEADER_BYTES) {
                    headerFill = 0;
                    frameHeader();
                }
            }
            if (stopAtBoundary && atBoundary()) {
                break;
            }
        }
        return pos - index;
    }

    private void frameHeader() {
        payloadLeft = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        int type = header[3] & 0xff;
        int flags = header[4] & 0xff;
        int streamId = ((header[5] & 0x7f) << 24)
                | ((header[6] & 0xff) << 16)
                | ((header[7] & 0xff) << 8)
                | (header[8] & 0xff);
        if (type == TYPE_HEADERS || type == TYPE_PUSH_PROMISE || type == TYPE_CONTINUATION) {
            inHeaderBlock = (flags & FLAG_END_HEADERS) == 0;
        }
        listener.frame(type, flags, streamId);
    }

    /** A GOAWAY frame: no new streams, {@code lastStreamId} the highest the sender may still process. */
    static byte[] goAway(int lastStreamId) {
        return new byte[] {
            0,
            0,
            8,
            TYPE_GOAWAY,
            0,
            0,
            0,
            0,
            0,
            (byte) (lastStreamId >>> 24),
            (byte) (lastStreamId >>> 16),
            (byte) (lastStreamId >>> 8),
            (byte) lastStreamId,
            0,
            0,
            0,
            0 // NO_ERROR
        };
    }
}
