package org.paqet4j.mux;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes smux frames from a byte stream. Trusts nothing: the version must be the session's, the command known,
 * and the length must fit the command (0 for SYN/FIN/NOP, 8 for UPD, which v1 does not have). Only the receive
 * loop of one session uses an instance.
 */
public final class FrameReader {
    private final InputStream in;
    private final int version;
    // Small headers and payloads are served from this buffer so a chatty transport costs few read calls.
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;

    public FrameReader(InputStream in, int version) {
        this.in = in;
        this.version = version;
    }

    // The header read last by nextHeader(); its payload is still to be read.
    private Command command;
    private int streamId;
    private int length;

    /**
     * Reads the next frame.
     *
     * @return the frame, or null when the transport ended cleanly between frames
     * @throws MuxProtocolException the bytes are not a valid frame for this session
     * @throws EOFException         the transport ended inside a frame
     */
    public Frame readFrame() throws IOException {
        if (!nextHeader()) {
            return null;
        }
        byte[] payload = new byte[length];
        readPayload(payload, 0);
        return new Frame(version, command, streamId, payload);
    }

    /**
     * Reads and checks the next frame header without allocating; {@link #command()}, {@link #streamId()} and
     * {@link #length()} describe it, and its payload must be read with {@link #readPayload} before the next call.
     * The session's receive loop uses this to put payloads straight into pooled buffers.
     *
     * @return false when the transport ended cleanly between frames
     * @throws MuxProtocolException the bytes are not a valid frame header for this session
     * @throws EOFException         the transport ended inside a frame header
     */
    public boolean nextHeader() throws IOException {
        if (!fill(Frame.HEADER_SIZE, true)) {
            return false;
        }
        int ver = buf[pos] & 0xFF;
        int code = buf[pos + 1] & 0xFF;
        int len = (buf[pos + 2] & 0xFF) | (buf[pos + 3] & 0xFF) << 8;
        int sid = Frame.intLE(buf, pos + 4);
        pos += Frame.HEADER_SIZE;
        Command cmd = Command.of(code);
        if (ver != version) {
            throw error("version " + ver + " on a v" + version + " session", code, sid, len, ver);
        }
        if (cmd == null) {
            throw error("unknown command", code, sid, len, ver);
        }
        switch (cmd) {
            case SYN, FIN, NOP -> {
                if (len != 0) {
                    throw error(cmd + " must carry no payload", code, sid, len, ver);
                }
            }
            case UPD -> {
                if (version != 2) {
                    throw error("UPD exists only in v2", code, sid, len, ver);
                }
                if (len != Frame.UPD_PAYLOAD_SIZE) {
                    throw error("UPD payload must be 8 bytes", code, sid, len, ver);
                }
            }
            case PSH -> {}
        }
        command = cmd;
        streamId = sid;
        length = len;
        return true;
    }

    /** Command of the header {@link #nextHeader()} read. */
    public Command command() {
        return command;
    }

    /** Stream id of the header {@link #nextHeader()} read. */
    public int streamId() {
        return streamId;
    }

    /** Payload length of the header {@link #nextHeader()} read. */
    public int length() {
        return length;
    }

    /** Reads the payload of the last header, exactly {@link #length()} bytes, into {@code dst[off...]}. */
    public void readPayload(byte[] dst, int off) throws IOException {
        int end = off + length;
        int have = Math.min(limit - pos, length);
        System.arraycopy(buf, pos, dst, off, have);
        pos += have;
        int at = off + have;
        while (at < end) {
            int remaining = end - at;
            if (remaining >= buf.length) {
                // Large payloads go straight into the destination: one copy less.
                int n = in.read(dst, at, remaining);
                if (n < 0) {
                    throw truncated(command, streamId, length, at - off);
                }
                at += n;
            } else {
                if (!fill(1, false)) {
                    throw truncated(command, streamId, length, at - off);
                }
                int n = Math.min(limit - pos, remaining);
                System.arraycopy(buf, pos, dst, at, n);
                pos += n;
                at += n;
            }
        }
    }

    /** Makes {@code need} bytes available; false at EOF (for a header: only at EOF before its first byte). */
    private boolean fill(int need, boolean header) throws IOException {
        if (limit - pos >= need) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit < need) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                if (!header || limit == 0) {
                    return false;
                }
                throw new EOFException(
                        "transport ended inside a frame header (" + limit + " of " + Frame.HEADER_SIZE + " bytes)");
            }
            limit += n;
        }
        return true;
    }

    private static EOFException truncated(Command cmd, int sid, int length, int got) {
        return new EOFException("transport ended inside " + cmd + " payload of stream " + Integer.toUnsignedString(sid)
                + " (" + got + " of " + length + " bytes)");
    }

    private static MuxProtocolException error(String what, int code, int sid, int length, int ver) {
        Command c = Command.of(code);
        return new MuxProtocolException("smux protocol error: " + what + " (version " + ver + ", command "
                + (c == null ? "0x" + Integer.toHexString(code) : c + "(" + code + ")") + ", stream "
                + Integer.toUnsignedString(sid) + ", length " + length + ")");
    }
}
