package org.paqet4j.tunnel.socks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.protocol.Target;

/**
 * Decoders and encoders of the SOCKS5 wire values. Every length byte is checked against what can
 * follow; truncation and every malformed field end in a {@link Socks5Exception} carrying the reply
 * code the client should get. IP addresses stay literals: domains are passed on unresolved, to be
 * resolved by the tunnel server.
 */
public final class Socks5Codec {

    private Socks5Codec() {}

    /** Reads VER NMETHODS METHODS and returns the offered methods. */
    public static byte[] readGreeting(InputStream in) throws IOException {
        int version = readByte(in, "greeting version");
        if (version != Socks5.VERSION) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE, String.format("greeting version is 0x%02x (want 0x05)", version));
        }
        int count = readByte(in, "method count");
        if (count == 0) {
            throw new Socks5Exception(Socks5.REP_GENERAL_FAILURE, "greeting offers no methods");
        }
        return readBytes(in, count, "methods");
    }

    /** Reads an RFC 1929 username/password request. */
    public static Credentials readCredentials(InputStream in) throws IOException {
        int version = readByte(in, "auth version");
        if (version != Socks5.AUTH_VERSION) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE,
                    String.format("username/password version is 0x%02x (want 0x01)", version));
        }
        byte[] user = readBytes(in, readByte(in, "username length"), "username");
        byte[] password = readBytes(in, readByte(in, "password length"), "password");
        return new Credentials(user, password);
    }

    /** Reads VER CMD RSV ATYP DST.ADDR DST.PORT. */
    public static Socks5Request readRequest(InputStream in) throws IOException {
        int version = readByte(in, "request version");
        if (version != Socks5.VERSION) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE, String.format("request version is 0x%02x (want 0x05)", version));
        }
        int command = readByte(in, "command");
        int reserved = readByte(in, "reserved byte");
        if (reserved != 0) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE, String.format("request reserved byte is 0x%02x (want 0x00)", reserved));
        }
        int type = readByte(in, "address type");
        String host = switch (type) {
            case Socks5.ATYP_IPV4 -> literal(readBytes(in, 4, "IPv4 address"));
            case Socks5.ATYP_IPV6 -> literal(readBytes(in, 16, "IPv6 address"));
            case Socks5.ATYP_DOMAIN -> domain(readBytes(in, readByte(in, "domain length"), "domain"));
            default ->
                throw new Socks5Exception(
                        Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED,
                        String.format("address type 0x%02x is not IPv4, domain or IPv6", type));
        };
        byte[] port = readBytes(in, 2, "port");
        return new Socks5Request(command, type, new Target(host, ((port[0] & 0xFF) << 8) | (port[1] & 0xFF)));
    }

    /** VER REP RSV ATYP BND.ADDR BND.PORT. */
    public static byte[] reply(int code, InetSocketAddress bound) {
        byte[] address = bound.getAddress().getAddress();
        byte[] out = new byte[4 + address.length + 2];
        out[0] = Socks5.VERSION;
        out[1] = (byte) code;
        out[3] = (byte) (address.length == 4 ? Socks5.ATYP_IPV4 : Socks5.ATYP_IPV6);
        System.arraycopy(address, 0, out, 4, address.length);
        out[4 + address.length] = (byte) (bound.getPort() >>> 8);
        out[5 + address.length] = (byte) bound.getPort();
        return out;
    }

    /** A failure reply with an all-zero IPv4 bound address. */
    public static byte[] failure(int code) {
        return new byte[] {Socks5.VERSION, (byte) code, 0, Socks5.ATYP_IPV4, 0, 0, 0, 0, 0, 0};
    }

    /** Decodes RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA from {@code buf[0, length)}. */
    public static Socks5Datagram decodeDatagram(byte[] buf, int length) throws Socks5Exception {
        if (length < 4) {
            throw malformed("UDP datagram of " + length + " bytes is shorter than its 4-byte header start");
        }
        if (buf[0] != 0 || buf[1] != 0) {
            throw malformed(String.format("UDP reserved bytes are 0x%02x%02x (want 0x0000)", buf[0], buf[1]));
        }
        int fragment = buf[2] & 0xFF;
        int type = buf[3] & 0xFF;
        int offset = 4;
        String host;
        switch (type) {
            case Socks5.ATYP_IPV4 -> {
                need(length, offset + 4 + 2, "IPv4 address and port");
                host = literal(slice(buf, offset, 4));
                offset += 4;
            }
            case Socks5.ATYP_IPV6 -> {
                need(length, offset + 16 + 2, "IPv6 address and port");
                host = literal(slice(buf, offset, 16));
                offset += 16;
            }
            case Socks5.ATYP_DOMAIN -> {
                need(length, offset + 1, "domain length");
                int domainLength = buf[offset] & 0xFF;
                need(length, offset + 1 + domainLength + 2, "domain of " + domainLength + " bytes and port");
                host = domain(slice(buf, offset + 1, domainLength));
                offset += 1 + domainLength;
            }
            default ->
                throw new Socks5Exception(
                        Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED,
                        String.format("UDP address type 0x%02x is not IPv4, domain or IPv6", type));
        }
        int port = ((buf[offset] & 0xFF) << 8) | (buf[offset + 1] & 0xFF);
        offset += 2;
        return new Socks5Datagram(fragment, new Target(host, port), offset, length - offset);
    }

    /** The UDP header a reply from {@code source} is sent back with (FRAG 0). */
    public static byte[] datagramHeader(Target source) {
        byte[] address = literalBytes(source.host());
        byte[] out;
        int offset;
        if (address != null) {
            out = new byte[4 + address.length + 2];
            out[3] = (byte) (address.length == 4 ? Socks5.ATYP_IPV4 : Socks5.ATYP_IPV6);
            System.arraycopy(address, 0, out, 4, address.length);
            offset = 4 + address.length;
        } else {
            String host = source.host();
            out = new byte[4 + 1 + host.length() + 2];
            out[3] = Socks5.ATYP_DOMAIN;
            out[4] = (byte) host.length();
            for (int i = 0; i < host.length(); i++) {
                out[5 + i] = (byte) host.charAt(i);
            }
            offset = 5 + host.length();
        }
        out[offset] = (byte) (source.port() >>> 8);
        out[offset + 1] = (byte) source.port();
        return out;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null for a domain; never resolves. */
    static byte[] literalBytes(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.indexOf(':') >= 0;
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String literal(byte[] address) throws Socks5Exception {
        try {
            InetAddress a = InetAddress.getByAddress(address);
            return AddressText.of(a);
        } catch (UnknownHostException e) {
            throw malformed("address of " + address.length + " bytes");
        }
    }

    private static String domain(byte[] bytes) throws Socks5Exception {
        if (bytes.length == 0) {
            throw new Socks5Exception(Socks5.REP_GENERAL_FAILURE, "domain is empty");
        }
        if (bytes.length > Target.MAX_HOST_LENGTH) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE,
                    "domain is " + bytes.length + " bytes, more than " + Target.MAX_HOST_LENGTH);
        }
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                throw new Socks5Exception(
                        Socks5.REP_GENERAL_FAILURE,
                        String.format("domain byte %d is 0x%02x (printable ASCII only)", i, c));
            }
            chars[i] = (char) c;
        }
        return new String(chars);
    }

    private static byte[] slice(byte[] buf, int offset, int length) {
        byte[] out = new byte[length];
        System.arraycopy(buf, offset, out, 0, length);
        return out;
    }

    private static void need(int length, int needed, String what) throws Socks5Exception {
        if (length < needed) {
            throw malformed("UDP datagram of " + length + " bytes ends before its " + what);
        }
    }

    private static Socks5Exception malformed(String message) {
        return new Socks5Exception(Socks5.REP_GENERAL_FAILURE, message);
    }

    private static int readByte(InputStream in, String field) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new Socks5Exception(Socks5.REP_GENERAL_FAILURE, "client closed before the " + field);
        }
        return b;
    }

    private static byte[] readBytes(InputStream in, int length, String field) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new Socks5Exception(
                    Socks5.REP_GENERAL_FAILURE,
                    "client closed after " + bytes.length + " of " + length + " bytes of the " + field);
        }
        return bytes;
    }
}
