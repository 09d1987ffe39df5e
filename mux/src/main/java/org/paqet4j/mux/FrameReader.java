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

    /**
     * Reads the next frame.
     *
     * @return the frame, or null when the transport ended cleanly between frames
     * @throws MuxProtocolException the bytes are not a valid frame for this session
     * @throws EOFException         the transport ended inside a frame
     */
    public Frame readFrame() throws IOException {
        if (!fill(Frame.HEADER_SIZE, true)) {
            return null;
        }
        int ver = buf[pos] & 0xFF;
        int code = buf[pos + 1] & 0xFF;
        int length = (buf[pos + 2] & 0xFF) | (buf[pos + 3] & 0xFF) << 8;
        int sid = Frame.intLE(buf, pos + 4);
        pos += Frame.HEADER_SIZE;
        Command cmd = Command.of(code);
        if (ver != version) {
            throw error("version " + ver + " on a v" + version + " session", code, sid, length, ver);
        }
        if (cmd == null) {
            throw error("unknown command", code, sid, length, ver);
        }
        switch (cmd) {
            case SYN, FIN, NOP -> {
                if (length != 0) {
                    throw error(cmd + " must carry no payload", code, sid, length, ver);
                }
            }
            case UPD -> {
                if (version != 2) {
                    throw error("UPD exists only in v2", code, sid, length, ver);
                }
                if (length != Frame.UPD_PAYLOAD_SIZE) {
                    throw error("UPD payload must be 8 bytes", code, sid, length, ver);
                }
            }
            case PSH -> { }
        }
        byte[] payload = new byte[length];
        readPayload(payload, cmd, sid);
        return new Frame(ver, cmd, sid, payload);
    }

    private void readPayload(byte[] payload, Command cmd, int sid) throws IOException {
        int have = Math.min(limit - pos, payload.length);
        System.arraycopy(buf, pos, payload, 0, have);
        pos += have;
        int off = have;
        while (off < payload.length) {
            int remaining = payload.length - off;
            if (remaining >= buf.length) {
                // Large payloads go straight into their own array: one copy less.
                int n = in.read(payload, off, remaining);
                if (n < 0) {
                    throw truncated(cmd, sid, payload.length, off);
                }
                off += n;
            } else {
                if (!fill(1, false)) {
                    throw truncated(cmd, sid, payload.length, off);
                }
                int n = Math.min(limit - pos, remaining);
                System.arraycopy(buf, pos, payload, off, n);
                pos += n;
                off += n;
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
                throw new EOFException("transport ended inside a frame header (" + limit + " of "
                        + Frame.HEADER_SIZE + " bytes)");
            }
            limit += n;
        }
        return true;
    }

    private static EOFException truncated(Command cmd, int sid, int length, int got) {
        return new EOFException("transport ended inside " + cmd + " payload of stream "
                + Integer.toUnsignedString(sid) + " (" + got + " of " + length + " bytes)");
    }

    private static MuxProtocolException error(String what, int code, int sid, int length, int ver) {
        Command c = Command.of(code);
        return new MuxProtocolException("smux protocol error: " + what + " (version " + ver + ", command "
                + (c == null ? "0x" + Integer.toHexString(code) : c + "(" + code + ")") + ", stream "
                + Integer.toUnsignedString(sid) + ", length " + length + ")");
    }
}
