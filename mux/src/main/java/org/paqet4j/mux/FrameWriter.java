package org.paqet4j.mux;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes smux frames onto a byte stream. Header and payload go out in one {@code write} call so a
 * message-oriented transport (KCP) carries a frame in as few segments as possible. Not thread-safe: the session
 * serialises callers with its write lock.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final byte[] scratch;

    public FrameWriter(OutputStream out, int maxPayload) {
        this.out = out;
        this.scratch = new byte[Frame.HEADER_SIZE + Math.max(maxPayload, Frame.UPD_PAYLOAD_SIZE)];
    }

    public void write(Frame f) throws IOException {
        write(f.version(), f.command(), f.streamId(), f.payload(), 0, f.payload().length);
    }

    public void write(int version, Command cmd, int streamId, byte[] b, int off, int len) throws IOException {
        if (len > scratch.length - Frame.HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "payload of " + len + " bytes exceeds the frame size " + (scratch.length - Frame.HEADER_SIZE));
        }
        encodeHeader(scratch, version, cmd, streamId, len);
        System.arraycopy(b, off, scratch, Frame.HEADER_SIZE, len);
        out.write(scratch, 0, Frame.HEADER_SIZE + len);
    }

    public void flush() throws IOException {
        out.flush();
    }

    static void encodeHeader(byte[] dst, int version, Command cmd, int streamId, int length) {
        dst[0] = (byte) version;
        dst[1] = (byte) cmd.code;
        dst[2] = (byte) length;
        dst[3] = (byte) (length >>> 8);
        Frame.putIntLE(dst, 4, streamId);
    }

    /** The wire bytes of one frame; for tests and tools. */
    public static byte[] encode(Frame f) {
        byte[] b = new byte[Frame.HEADER_SIZE + f.payload().length];
        encodeHeader(b, f.version(), f.command(), f.streamId(), f.payload().length);
        System.arraycopy(f.payload(), 0, b, Frame.HEADER_SIZE, f.payload().length);
        return b;
    }
}
