package org.paqet4j.tunnel.protocol;

import java.io.IOException;
import java.io.OutputStream;

/** Encodes a {@link StreamHeader}; written with one {@code write} so it travels as one mux frame. */
public final class StreamHeaderWriter {

    private StreamHeaderWriter() {}

    public static void write(StreamHeader header, OutputStream out) throws IOException {
        out.write(encode(header));
        out.flush();
    }

    public static byte[] encode(StreamHeader header) {
        byte[] body = switch (header) {
            case StreamHeader.Ping ignored -> new byte[0];
            case StreamHeader.Pong ignored -> new byte[0];
            case StreamHeader.Tcp tcp -> encodeTarget(tcp.target());
            case StreamHeader.Udp udp -> encodeTarget(udp.target());
            case StreamHeader.Tcpf tcpf -> encodeFlags(tcpf.masks());
        };
        byte[] out = new byte[StreamHeader.PREFIX_LENGTH + body.length];
        out[0] = StreamHeader.MAGIC;
        out[1] = StreamHeader.VERSION;
        out[2] = header.type();
        out[3] = (byte) (body.length >>> 8);
        out[4] = (byte) body.length;
        System.arraycopy(body, 0, out, StreamHeader.PREFIX_LENGTH, body.length);
        return out;
    }

    private static byte[] encodeTarget(Target target) {
        // Target guarantees printable ASCII of at most 253 bytes.
        String host = target.host();
        byte[] body = new byte[1 + host.length() + 2];
        body[0] = (byte) host.length();
        for (int i = 0; i < host.length(); i++) {
            body[1 + i] = (byte) host.charAt(i);
        }
        body[1 + host.length()] = (byte) (target.port() >>> 8);
        body[2 + host.length()] = (byte) target.port();
        return body;
    }

    private static byte[] encodeFlags(short[] masks) {
        byte[] body = new byte[1 + 2 * masks.length];
        body[0] = (byte) masks.length;
        for (int i = 0; i < masks.length; i++) {
            body[1 + 2 * i] = (byte) (masks[i] >>> 8);
            body[2 + 2 * i] = (byte) masks[i];
        }
        return body;
    }
}
