package org.paqet4j.grpcws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A deliberately bare WebSocket client for tests: it sends exactly the frames a test asks for
 * (it never answers pings on its own) and reads frames as they come, so tests can see close codes
 * and keepalive behaviour the way a browser would.
 */
final class RawWebSocket implements AutoCloseable {

    record Frame(int opcode, boolean fin, byte[] payload) {
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    final int status;
    final String responseHead;

    private RawWebSocket(Socket socket, int status, String responseHead) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.status = status;
        this.responseHead = responseHead;
    }

    /** Sends {@code GET path} with the upgrade headers plus {@code extraHeaders} ("Name: value\r\n" lines). */
    static RawWebSocket open(InetSocketAddress server, String path, String extraHeaders) throws IOException {
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        return request(
                server,
                "GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                        + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n");
    }

    /** Sends a raw HTTP request head and reads the response head. */
    static RawWebSocket request(InetSocketAddress server, String head) throws IOException {
        Socket s = new Socket();
        s.connect(server, 10_000);
        s.setSoTimeout(60_000);
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            response.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = response.toString(StandardCharsets.ISO_8859_1);
        int status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        return new RawWebSocket(s, status, text);
    }

    /** The rest of a non-upgrade response (its body; the server closes after it). */
    String body() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    void send(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** The next frame, or null when the connection ended (EOF or reset). */
    Frame read() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return null;
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads until a close frame; returns its code, or -1 when the connection ended without one. */
    int awaitClose() throws IOException {
        for (Frame f; (f = read()) != null; ) {
            if (f.opcode() == CLOSE) {
                return f.closeCode();
            }
        }
        return -1;
    }

    void setReadTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    boolean isClosedByPeer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
