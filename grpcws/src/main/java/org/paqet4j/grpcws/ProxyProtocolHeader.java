package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PROXY protocol version 2 header (the binary form HAProxy specifies, understood by Envoy,
 * HAProxy, nginx and many servers), written once at the start of each backend connection in proxy
 * mode, so the backend learns who the client is without the bridge rewriting HTTP/2: rewriting
 * header blocks would mean re-encoding HPACK and keeping both sides' dynamic tables in step.
 *
 * <p>Source is the client address (X-Forwarded-For only from a trusted proxy), destination the
 * bridge address the client connected to. Both IPv4: family INET; otherwise both as IPv6 (an IPv4
 * address mapped as {@code ::ffff:a.b.c.d}). The Origin the client sent, if any, follows as a TLV of
 * type {@value #ORIGIN_TLV} (the first of the range the specification leaves to applications).
 */
final class ProxyProtocolHeader {

    /** The 12-byte signature that starts every version 2 header. */
    static final byte[] SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

    static final int ORIGIN_TLV = 0xE0;

    /** An Origin longer than this is left out (the HTTP request head is bounded far below it). */
    static final int MAX_ORIGIN_BYTES = 0xffff - 36 - 3;

    private ProxyProtocolHeader() {}

    static ByteBuf encode(
            ByteBufAllocator alloc, InetSocketAddress source, InetSocketAddress destination, Optional<String> origin) {
        InetAddress src = source.getAddress();
        InetAddress dst = destination.getAddress();
        boolean inet4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        byte[] originBytes = origin.map(o -> o.getBytes(StandardCharsets.US_ASCII))
                .filter(b -> b.length <= MAX_ORIGIN_BYTES)
                .orElse(null);
        int addresses = inet4 ? 12 : 36;
        int length = addresses + (originBytes == null ? 0 : 3 + originBytes.length);
        ByteBuf out = alloc.buffer(16 + length);
        out.writeBytes(SIGNATURE);
        out.writeByte(0x21); // version 2, command PROXY
        out.writeByte(inet4 ? 0x11 : 0x21); // INET or INET6, over a stream
        out.writeShort(length);
        out.writeBytes(inet4 ? src.getAddress() : ipv6(src));
        out.writeBytes(inet4 ? dst.getAddress() : ipv6(dst));
        out.writeShort(source.getPort());
        out.writeShort(destination.getPort());
        if (originBytes != null) {
            out.writeByte(ORIGIN_TLV);
            out.writeShort(originBytes.length);
            out.writeBytes(originBytes);
        }
        return out;
    }

    private static byte[] ipv6(InetAddress a) {
        byte[] raw = a.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
