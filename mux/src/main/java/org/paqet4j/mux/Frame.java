package org.paqet4j.mux;

import java.util.Arrays;
import java.util.Objects;

/**
 * One smux frame: {@code ver u8, cmd u8, length u16 LE, stream id u32 LE} and {@code length} payload bytes.
 * The stream id is an unsigned 32-bit value carried in an int.
 */
public record Frame(int version, Command command, int streamId, byte[] payload) {
    public static final int HEADER_SIZE = 8;
    public static final int UPD_PAYLOAD_SIZE = 8;
    private static final byte[] EMPTY = new byte[0];

    public Frame {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MuxConfig.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes does not fit a frame");
        }
    }

    public static Frame control(int version, Command command, int streamId) {
        return new Frame(version, command, streamId, EMPTY);
    }

    public static Frame windowUpdate(int streamId, long consumed, long window) {
        byte[] p = new byte[UPD_PAYLOAD_SIZE];
        putIntLE(p, 0, (int) consumed);
        putIntLE(p, 4, (int) window);
        return new Frame(2, Command.UPD, streamId, p);
    }

    /** UPD only: bytes the peer has read from this stream so far, modulo 2^32. */
    public long consumed() {
        requireUpd();
        return Integer.toUnsignedLong(intLE(payload, 0));
    }

    /** UPD only: the peer's receive window for this stream. */
    public long window() {
        requireUpd();
        return Integer.toUnsignedLong(intLE(payload, 4));
    }

    private void requireUpd() {
        if (command != Command.UPD || payload.length != UPD_PAYLOAD_SIZE) {
            throw new IllegalStateException("not a window update: " + this);
        }
    }

    static int intLE(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static void putIntLE(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && f.version == version
                && f.command == command
                && f.streamId == streamId
                && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, command, streamId, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Frame[v" + version + " " + command + " stream " + Integer.toUnsignedString(streamId) + " length "
                + payload.length + "]";
    }
}
