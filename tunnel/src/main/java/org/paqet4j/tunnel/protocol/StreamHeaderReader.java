package org.paqet4j.tunnel.protocol;

import java.io.IOException;
import java.io.InputStream;
import org.paqet4j.packet.wire.TcpFlags;

/**
 * Reads one {@link StreamHeader} from a stream, strictly: the body length is checked against what
 * the type allows before a single body byte is read, so a peer cannot make us buffer more than
 * {@link StreamHeader#MAX_BODY_LENGTH} bytes, and every field is validated. Reads exactly the
 * header's bytes and nothing after them.
 *
 * <p>The deadline is the caller's: set a read timeout on the stream before calling.
 */
public final class StreamHeaderReader {

    private StreamHeaderReader() {}

    /**
     * @throws StreamHeaderException on a malformed or truncated header
     * @throws IOException when the stream fails or its read timeout expires
     */
    public static StreamHeader read(InputStream in) throws IOException {
        byte[] prefix = readExactly(in, StreamHeader.PREFIX_LENGTH, "prefix");
        if (prefix[0] != StreamHeader.MAGIC) {
            throw new StreamHeaderException(
                    String.format("bad magic byte 0x%02x (want 0x%02x)", prefix[0] & 0xFF, StreamHeader.MAGIC));
        }
        if (prefix[1] != StreamHeader.VERSION) {
            throw new StreamHeaderException(
                    String.format("unsupported version 0x%02x (want 0x%02x)", prefix[1] & 0xFF, StreamHeader.VERSION));
        }
        byte type = prefix[2];
        int length = ((prefix[3] & 0xFF) << 8) | (prefix[4] & 0xFF);
        checkLength(type, length);
        byte[] body = readExactly(in, length, "body");
        return decodeBody(type, body);
    }

    /** Rejects a body length the type cannot have, before reading it. */
    private static void checkLength(byte type, int length) throws StreamHeaderException {
        switch (type) {
            case StreamHeader.TYPE_PING, StreamHeader.TYPE_PONG -> {
                if (length != 0) {
                    throw new StreamHeaderException(typeName(type) + " body length is " + length + " (want 0)");
                }
            }
            case StreamHeader.TYPE_TCP, StreamHeader.TYPE_UDP -> {
                if (length < 4 || length > 1 + Target.MAX_HOST_LENGTH + 2) {
                    throw new StreamHeaderException(typeName(type) + " body length is " + length + " (want 4.."
                            + (1 + Target.MAX_HOST_LENGTH + 2) + ")");
                }
            }
            case StreamHeader.TYPE_TCPF -> {
                if (length < 1 || length > 1 + 2 * StreamHeader.MAX_FLAG_COUNT || length % 2 == 0) {
                    throw new StreamHeaderException("TCPF body length is " + length + " (want 1 + 2 * count, count <= "
                            + StreamHeader.MAX_FLAG_COUNT + ")");
                }
            }
            default -> throw new StreamHeaderException(String.format("unknown header type 0x%02x", type & 0xFF));
        }
    }

    private static StreamHeader decodeBody(byte type, byte[] body) throws StreamHeaderException {
        return switch (type) {
            case StreamHeader.TYPE_PING -> new StreamHeader.Ping();
            case StreamHeader.TYPE_PONG -> new StreamHeader.Pong();
            case StreamHeader.TYPE_TCP -> new StreamHeader.Tcp(decodeTarget(type, body));
            case StreamHeader.TYPE_UDP -> new StreamHeader.Udp(decodeTarget(type, body));
            case StreamHeader.TYPE_TCPF -> decodeFlags(body);
            default -> throw new StreamHeaderException(String.format("unknown header type 0x%02x", type & 0xFF));
        };
    }

    private static Target decodeTarget(byte type, byte[] body) throws StreamHeaderException {
        int hostLength = body[0] & 0xFF;
        if (1 + hostLength + 2 != body.length) {
            throw new StreamHeaderException(typeName(type) + " host length " + hostLength + " does not fit body length "
                    + body.length + " (want body = 1 + host + 2)");
        }
        char[] host = new char[hostLength];
        for (int i = 0; i < hostLength; i++) {
            int c = body[1 + i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                throw new StreamHeaderException(
                        String.format("%s host byte %d is 0x%02x (printable ASCII only)", typeName(type), i, c));
            }
            host[i] = (char) c;
        }
        int port = ((body[1 + hostLength] & 0xFF) << 8) | (body[2 + hostLength] & 0xFF);
        return new Target(new String(host), port);
    }

    private static StreamHeader.Tcpf decodeFlags(byte[] body) throws StreamHeaderException {
        int count = body[0] & 0xFF;
        if (count > StreamHeader.MAX_FLAG_COUNT || 1 + 2 * count != body.length) {
            throw new StreamHeaderException("TCPF count " + count + " does not fit body length " + body.length
                    + " (want body = 1 + 2 * count, count <= " + StreamHeader.MAX_FLAG_COUNT + ")");
        }
        short[] masks = new short[count];
        for (int i = 0; i < count; i++) {
            int mask = ((body[1 + 2 * i] & 0xFF) << 8) | (body[2 + 2 * i] & 0xFF);
            if (!TcpFlags.isValidMask(mask)) {
                throw new StreamHeaderException(
                        String.format("TCPF mask %d is 0x%04x, which has bits beyond NS", i, mask));
            }
            masks[i] = (short) mask;
        }
        return new StreamHeader.Tcpf(masks);
    }

    private static byte[] readExactly(InputStream in, int length, String part) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new StreamHeaderException(
                    "stream ended after " + bytes.length + " of " + length + " header " + part + " bytes");
        }
        return bytes;
    }

    static String typeName(byte type) {
        return switch (type) {
            case StreamHeader.TYPE_PING -> "PING";
            case StreamHeader.TYPE_PONG -> "PONG";
            case StreamHeader.TYPE_TCPF -> "TCPF";
            case StreamHeader.TYPE_TCP -> "TCP";
            case StreamHeader.TYPE_UDP -> "UDP";
            default -> String.format("type 0x%02x", type & 0xFF);
        };
    }
}
