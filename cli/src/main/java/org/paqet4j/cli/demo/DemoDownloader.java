package org.paqet4j.cli.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.paqet4j.packet.AddressText;

/**
 * The demo's downloader, run as a child JVM on the client side (inside the client namespace, so
 * its sockets are opened there): connects to the paqet client's SOCKS5 listener, asks it for the
 * web server by IP (CONNECT, no authentication), sends an HTTP/1.0 GET and hashes the body.
 *
 * <p>Output, one line each: {@code size TOTAL}, then {@code progress BYTES} about ten times a
 * second, then {@code done BYTES SHA256-HEX NANOS}. The demo turns them into a progress bar.
 */
public final class DemoDownloader {
    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    private DemoDownloader() {}

    /** Arguments: SOCKS-HOST SOCKS-PORT TARGET-IP TARGET-PORT PATH. */
    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        if (args.length != 5) {
            System.err.println("usage: DemoDownloader SOCKS-HOST SOCKS-PORT TARGET-IP TARGET-PORT PATH");
            System.exit(2);
        }
        InetSocketAddress socks = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        InetAddress target = InetAddress.getByName(args[2]);
        int port = Integer.parseInt(args[3]);
        try (Socket s = new Socket()) {
            s.connect(socks, 10_000);
            s.setSoTimeout(30_000);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 64 * 1024));
            OutputStream out = s.getOutputStream();
            socks5Connect(in, out, target, port);
            out.write(("GET " + args[4] + " HTTP/1.0\r\nHost: " + args[2] + ":" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long length = responseLength(in);
            System.out.println("size " + length);
            System.out.flush();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long got = 0;
            long start = System.nanoTime();
            long lastReport = start;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                got += n;
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_EVERY_NANOS) {
                    System.out.println("progress " + got);
                    System.out.flush();
                    lastReport = now;
                }
            }
            long nanos = System.nanoTime() - start;
            if (got != length) {
                throw new IOException("the body ended after " + got + " of " + length + " bytes");
            }
            System.out.println(String.format(
                    Locale.ROOT, "done %d %s %d", got, HexFormat.of().formatHex(sha.digest()), nanos));
            System.out.flush();
        }
    }

    /** RFC 1928 CONNECT to an IP address without authentication. */
    static void socks5Connect(DataInputStream in, OutputStream out, InetAddress target, int port) throws IOException {
        out.write(new byte[] {5, 1, 0});
        out.flush();
        int version = in.readUnsignedByte();
        int method = in.readUnsignedByte();
        if (version != 5 || method != 0) {
            throw new IOException("SOCKS5 greeting answered with version " + version + " method " + method
                    + " (wanted 5, 0 = no authentication)");
        }
        byte[] ip = target.getAddress();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(new byte[] {5, 1, 0, (byte) (ip.length == 4 ? 1 : 4)});
        request.write(ip);
        request.write(port >>> 8);
        request.write(port & 0xff);
        out.write(request.toByteArray());
        out.flush();
        int replyVersion = in.readUnsignedByte();
        int reply = in.readUnsignedByte();
        in.readUnsignedByte();
        int type = in.readUnsignedByte();
        if (replyVersion != 5 || reply != 0) {
            throw new IOException("SOCKS5 CONNECT to " + AddressText.of(target, port) + " refused with reply " + reply);
        }
        int addressLength = switch (type) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> in.readUnsignedByte();
            default -> throw new IOException("SOCKS5 reply with address type " + type);
        };
        in.readFully(new byte[addressLength + 2]);
    }

    /** Reads the status line and headers; returns Content-Length (required: the demo checks the size). */
    static long responseLength(InputStream in) throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.") || !status.contains(" 200 ")) {
            throw new IOException("the web server answered \"" + status + "\"");
        }
        long length = -1;
        String header;
        while (!(header = line(in)).isEmpty()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(header.substring(colon + 1).strip());
            }
        }
        if (length < 0) {
            throw new IOException("the web server sent no Content-Length");
        }
        return length;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the connection ended inside the HTTP header");
            }
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 8192) {
                throw new IOException("an HTTP header line longer than 8192 bytes");
            }
        }
        return b.toString();
    }
}
