package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.function.Consumer;

/**
 * Reads the WebSocket frames a server sends to the client (RFC 6455 section 5), passing data
 * payloads on as they arrive, as slices of the buffers read from the socket. Netty's frame decoder
 * first gathers a whole frame (copying every read into one growing buffer) and then copies the
 * payload out once more; in this wire format a frame boundary means nothing, so neither copy is
 * needed: a data frame that arrives over several reads becomes several fragments of its message
 * (a binary frame first, then continuation frames; the last one final if the frame was).
 *
 * <p>Frames from a server are never masked (a masked one is a protocol error, as the RFC says), no
 * extension is negotiated (reserved bits must be 0), control frames are final and at most 125
 * bytes (their payload is gathered, being small), and a data frame longer than the limit is refused
 * before any of it is passed on. A violation throws {@link CorruptedWebSocketFrameException} with
 * the close status to send; the reader is then done and ignores any further input.
 */
final class ClientFrameReader {

    private static final int MAX_HEADER = 10;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final long maxFramePayload;

    private final byte[] header = new byte[MAX_HEADER];
    private int headerBytes;

    /** The frame being read; valid once its header is complete. */
    private boolean inFrame;

    private boolean fin;
    private int opcode;
    private long remaining;
    /** Whether the next piece of the current data frame is its first (then it names the opcode). */
    private boolean firstPiece;
    /** Control frame payload, gathered whole; null outside a control frame. */
    private ByteBuf control;

    /** A text or binary message is open: continuation frames belong to it. */
    private boolean inMessage;

    private boolean failed;

    ClientFrameReader(long maxFramePayload) {
        this.maxFramePayload = maxFramePayload;
    }

    /**
     * Consumes all of {@code in} (the caller keeps its reference and releases it) and hands every
     * frame or piece of a frame to {@code out}, which then owns it.
     */
    void read(ByteBuf in, Consumer<WebSocketFrame> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (in.isReadable()) {
                if (!inFrame) {
                    if (!readHeader(in)) {
                        return;
                    }
                    if (remaining == 0 && control == null) {
                        // An empty data frame still ends its message if it is final.
                        out.accept(piece(Unpooled.EMPTY_BUFFER, true));
                        inFrame = false;
                        continue;
                    }
                    if (control != null && remaining == 0) {
                        out.accept(controlFrame());
                        continue;
                    }
                }
                int n = (int) Math.min(remaining, in.readableBytes());
                remaining -= n;
                if (control != null) {
                    control.writeBytes(in, n);
                    if (remaining == 0) {
                        out.accept(controlFrame());
                    }
                } else {
                    out.accept(piece(in.readRetainedSlice(n), remaining == 0));
                    if (remaining == 0) {
                        inFrame = false;
                    }
                }
            }
        } catch (CorruptedWebSocketFrameException e) {
            failed = true;
            release();
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** Releases a control payload being gathered (when the channel goes away mid-frame). */
    void release() {
        if (control != null) {
            control.release();
            control = null;
        }
    }

    /** Gathers the header; true once it is complete and checked. */
    private boolean readHeader(ByteBuf in) {
        while (headerBytes < 2) {
            if (!in.isReadable()) {
                return false;
            }
            header[headerBytes++] = in.readByte();
        }
        int len7 = header[1] & 0x7f;
        int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        while (headerBytes < needed) {
            if (!in.isReadable()) {
                return false;
            }
            header[headerBytes++] = in.readByte();
        }
        headerBytes = 0;
        fin = (header[0] & 0x80) != 0;
        if ((header[0] & 0x70) != 0) {
            throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "reserved bits set with no extension negotiated");
        }
        if ((header[1] & 0x80) != 0) {
            throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "a server frame is masked");
        }
        opcode = header[0] & 0x0f;
        long length = len7;
        if (len7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            if (length < 126) {
                throw violation(
                        WebSocketCloseStatus.PROTOCOL_ERROR, "frame length " + length + " not minimally encoded");
            }
        } else if (len7 == 127) {
            length = 0;
            for (int i = 2; i < 10; i++) {
                length = (length << 8) | (header[i] & 0xffL);
            }
            if (length < 0) {
                throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "frame length has its top bit set");
            }
            if (length <= 0xffff) {
                throw violation(
                        WebSocketCloseStatus.PROTOCOL_ERROR, "frame length " + length + " not minimally encoded");
            }
        }
        switch (opcode) {
            case 0x0 -> {
                if (!inMessage) {
                    throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "continuation frame outside a message");
                }
                inMessage = !fin;
            }
            case 0x1, 0x2 -> {
                if (inMessage) {
                    throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "new message before the last one ended");
                }
                inMessage = !fin;
            }
            case 0x8, 0x9, 0xa -> {
                if (!fin) {
                    throw violation(
                            WebSocketCloseStatus.PROTOCOL_ERROR, "fragmented control frame (opcode " + opcode + ")");
                }
                if (length > MAX_CONTROL_PAYLOAD) {
                    throw violation(
                            WebSocketCloseStatus.PROTOCOL_ERROR,
                            "control frame (opcode " + opcode + ") of " + length + " bytes, over 125");
                }
                if (opcode == 0x8 && length == 1) {
                    throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "close frame with a 1-byte payload");
                }
                control = Unpooled.buffer((int) length);
            }
            default -> throw violation(WebSocketCloseStatus.PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        if (control == null && length > maxFramePayload) {
            throw violation(
                    WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    "frame of " + length + " bytes, over the limit of " + maxFramePayload);
        }
        remaining = length;
        firstPiece = true;
        inFrame = true;
        return true;
    }

    private WebSocketFrame piece(ByteBuf content, boolean endsFrame) {
        boolean last = fin && endsFrame;
        boolean first = firstPiece;
        firstPiece = false;
        if (first && opcode == 0x2) {
            return new BinaryWebSocketFrame(last, 0, content);
        }
        if (first && opcode == 0x1) {
            return new TextWebSocketFrame(last, 0, content);
        }
        return new ContinuationWebSocketFrame(last, 0, content);
    }

    private WebSocketFrame controlFrame() {
        ByteBuf payload = control;
        control = null;
        inFrame = false;
        return switch (opcode) {
            case 0x8 -> new CloseWebSocketFrame(true, 0, payload);
            case 0x9 -> new PingWebSocketFrame(payload);
            default -> new PongWebSocketFrame(payload);
        };
    }

    private static CorruptedWebSocketFrameException violation(WebSocketCloseStatus status, String what) {
        return new CorruptedWebSocketFrameException(status, "WebSocket frame from the server: " + what);
    }
}
