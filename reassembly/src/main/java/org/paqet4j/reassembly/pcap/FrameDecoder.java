package org.paqet4j.reassembly.pcap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.TcpSegment;

/**
 * Frame bytes to a {@link TcpSegment}: link layers Ethernet (with 802.1Q/802.1ad tags), raw IP,
 * Linux cooked (SLL, SLL2) and BSD null/loopback; IPv4 and IPv6 with extension headers. Anything
 * else, a fragment, or a header that does not fit the captured bytes gives null and a count by
 * reason; nothing here throws on bad input.
 */
public final class FrameDecoder {

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int PROTOCOL_TCP = 6;

    /**
     * Recently seen IPv4 endpoints, direct-mapped by a hash of address and port: a capture repeats
     * the same few endpoints over and over, and reusing their objects saves three allocations per
     * endpoint and packet and makes the reassembler's key comparisons identity checks.
     */
    private final Endpoint[] ipv4Endpoints = new Endpoint[1 << 14];
    /** Each cached endpoint's address and port beside it, so a hit is checked without following the object. */
    private final int[] ipv4Addresses = new int[1 << 14];

    private final int[] ipv4Ports = new int[1 << 14];

    private final IpDefragmenter defragmenter;
    /** The packet being decoded after reassembly, if any: it must not hold another fragment header. */
    private byte[] rebuilt;

    private long notTcp;
    private long fragments;
    private long malformed;
    private long unsupportedLink;

    /** Reassembles IP fragments within {@link FragmentLimits#DEFAULTS}. */
    public FrameDecoder() {
        this(FragmentLimits.DEFAULTS);
    }

    public FrameDecoder(FragmentLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("fragment limits are required");
        }
        this.defragmenter = new IpDefragmenter(limits);
    }

    /** IP datagrams rebuilt from fragments. */
    public long reassembledDatagrams() {
        return defragmenter.reassembled();
    }

    /** Datagrams whose fragments were dropped: overlapping, malformed, timed out, over the limits. */
    public long droppedDatagrams() {
        return defragmenter.dropped();
    }

    /** Memory held for incomplete datagrams, as counted against {@link FragmentLimits#memoryBudget()}. */
    public long fragmentMemory() {
        return defragmenter.memoryUsed();
    }

    public long notTcp() {
        return notTcp;
    }

    public long fragments() {
        return fragments;
    }

    public long malformed() {
        return malformed;
    }

    public long unsupportedLink() {
        return unsupportedLink;
    }

    /** The TCP segment in {@code frame}, or null (counted). */
    public TcpSegment decode(CapturedFrame frame) {
        byte[] d = frame.data();
        int ipStart;
        switch (frame.linkType()) {
            case LinkType.ETHERNET -> ipStart = ethernet(d);
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> ipStart = 0;
            case LinkType.LINUX_SLL -> ipStart = d.length >= 16 && isIp(u16(d, 14)) ? 16 : notIp();
            case LinkType.LINUX_SLL2 -> ipStart = d.length >= 20 && isIp(u16(d, 0)) ? 20 : notIp();
            case LinkType.NULL, LinkType.LOOP -> ipStart = d.length >= 4 ? 4 : notIp();
            default -> {
                unsupportedLink++;
                return null;
            }
        }
        if (ipStart < 0) {
            return null;
        }
        if (d.length < ipStart + 1) {
            malformed++;
            return null;
        }
        int version = (d[ipStart] & 0xFF) >>> 4;
        return switch (version) {
            case 4 -> ipv4(frame, d, ipStart);
            case 6 -> ipv6(frame, d, ipStart);
            default -> {
                notTcp++;
                yield null;
            }
        };
    }

    private int ethernet(byte[] d) {
        int at = 12;
        while (true) {
            if (d.length < at + 2) {
                malformed++;
                return -1;
            }
            int type = u16(d, at);
            if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
                at += 4;
                continue;
            }
            return isIp(type) ? at + 2 : notIp();
        }
    }

    private int notIp() {
        notTcp++;
        return -1;
    }

    private static boolean isIp(int etherType) {
        return etherType == ETHERTYPE_IPV4 || etherType == ETHERTYPE_IPV6;
    }

    private TcpSegment ipv4(CapturedFrame frame, byte[] d, int at) {
        if (d.length < at + 20) {
            malformed++;
            return null;
        }
        int headerLength = (d[at] & 0x0F) * 4;
        int total = u16(d, at + 2);
        if (headerLength < 20 || total < headerLength || d.length < at + headerLength) {
            malformed++;
            return null;
        }
        if ((d[at + 9] & 0xFF) != PROTOCOL_TCP) {
            notTcp++;
            return null;
        }
        if ((u16(d, at + 6) & 0x3FFF) != 0) { // more-fragments flag or a fragment offset
            return ipv4Fragment(frame, d, at, headerLength, total);
        }
        // the IP total length ends the packet (Ethernet pads short frames); the capture may end sooner
        int end = Math.min(d.length, at + total);
        return tcp(frame, d, at + headerLength, end, at + 12, at + 16, 4);
    }

    private TcpSegment ipv4Fragment(CapturedFrame frame, byte[] d, int at, int headerLength, int total) {
        fragments++;
        if (d.length < at + total) {
            malformed++; // cut short by the capture: the datagram could never be rebuilt exactly
            return null;
        }
        int flagsAndOffset = u16(d, at + 6);
        byte[] addressesAndProtocol = Arrays.copyOfRange(d, at + 8, at + 20); // TTL and checksum vary: cleared
        addressesAndProtocol[0] = 0;
        addressesAndProtocol[2] = 0;
        addressesAndProtocol[3] = 0;
        byte[][] whole = defragmenter.fragment(
                addressesAndProtocol,
                u16(d, at + 4),
                Arrays.copyOfRange(d, at, at + headerLength),
                (flagsAndOffset & 0x1FFF) * 8,
                Arrays.copyOfRange(d, at + headerLength, at + total),
                (flagsAndOffset & 0x2000) != 0,
                frame.timestampNanos());
        if (whole == null) {
            return null;
        }
        byte[] packet = join(whole);
        if (packet.length > 65_535) {
            malformed++;
            return null;
        }
        packet[2] = (byte) (packet.length >>> 8);
        packet[3] = (byte) packet.length;
        packet[6] = 0;
        packet[7] = 0;
        return ipv4(frame, packet, 0);
    }

    private TcpSegment ipv6Fragment(CapturedFrame frame, byte[] d, int at, int cursor, int end, int nextHeaderAt) {
        fragments++;
        if (d.length < end || end < at + 40 + u16(d, at + 4)) {
            malformed++;
            return null;
        }
        byte[] headers = Arrays.copyOfRange(d, at, cursor);
        headers[nextHeaderAt - at] = d[cursor]; // the rebuilt packet has no fragment header
        int offsetAndFlags = u16(d, cursor + 2);
        byte[][] whole = defragmenter.fragment(
                Arrays.copyOfRange(d, at + 8, at + 40),
                i32(d, cursor + 4) & 0xFFFF_FFFFL,
                headers,
                offsetAndFlags & 0xFFF8,
                Arrays.copyOfRange(d, cursor + 8, end),
                (offsetAndFlags & 1) != 0,
                frame.timestampNanos());
        if (whole == null) {
            return null;
        }
        byte[] packet = join(whole);
        if (packet.length - 40 > 65_535) {
            malformed++;
            return null;
        }
        packet[4] = (byte) ((packet.length - 40) >>> 8);
        packet[5] = (byte) (packet.length - 40);
        rebuilt = packet;
        try {
            return ipv6(frame, packet, 0);
        } finally {
            rebuilt = null;
        }
    }

    private static byte[] join(byte[][] parts) {
        byte[] out = Arrays.copyOf(parts[0], parts[0].length + parts[1].length);
        System.arraycopy(parts[1], 0, out, parts[0].length, parts[1].length);
        return out;
    }

    private TcpSegment ipv6(CapturedFrame frame, byte[] d, int at) {
        if (d.length < at + 40) {
            malformed++;
            return null;
        }
        int end = Math.min(d.length, at + 40 + u16(d, at + 4));
        int next = d[at + 6] & 0xFF;
        int nextHeaderAt = at + 6;
        int cursor = at + 40;
        while (next != PROTOCOL_TCP) {
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    if (end < cursor + 8) {
                        malformed++;
                        return null;
                    }
                    next = d[cursor] & 0xFF;
                    nextHeaderAt = cursor;
                    cursor += ((d[cursor + 1] & 0xFF) + 1) * 8;
                }
                case 51 -> { // authentication header: length in 4-byte units minus 2
                    if (end < cursor + 8) {
                        malformed++;
                        return null;
                    }
                    next = d[cursor] & 0xFF;
                    nextHeaderAt = cursor;
                    cursor += ((d[cursor + 1] & 0xFF) + 2) * 4;
                }
                case 44 -> {
                    if (end < cursor + 8) {
                        malformed++;
                        return null;
                    }
                    if (d == rebuilt) {
                        // a fragment header inside a rebuilt packet: refused, or nesting could recurse without bound
                        malformed++;
                        return null;
                    }
                    return ipv6Fragment(frame, d, at, cursor, end, nextHeaderAt);
                }
                default -> {
                    notTcp++;
                    return null;
                }
            }
        }
        return tcp(frame, d, cursor, end, at + 8, at + 24, 16);
    }

    private TcpSegment tcp(
            CapturedFrame frame, byte[] d, int at, int end, int source, int destination, int addressLength) {
        if (end < at + 20) {
            malformed++;
            return null;
        }
        int headerLength = ((d[at + 12] & 0xFF) >>> 4) * 4;
        if (headerLength < 20 || end < at + headerLength) {
            malformed++;
            return null;
        }
        try {
            Endpoint from = endpoint(d, source, addressLength, u16(d, at));
            Endpoint to = endpoint(d, destination, addressLength, u16(d, at + 2));
            int flags = d[at + 13] & 0xFF;
            return new TcpSegment(
                    from,
                    to,
                    i32(d, at + 4),
                    i32(d, at + 8),
                    flags,
                    u16(d, at + 14),
                    Arrays.copyOfRange(d, at + headerLength, end),
                    frame.timestampNanos(),
                    frame.frameNumber());
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 address bytes are always valid", e);
        }
    }

    private Endpoint endpoint(byte[] d, int at, int addressLength, int port) throws UnknownHostException {
        if (addressLength != 4) {
            return new Endpoint(address(Arrays.copyOfRange(d, at, at + addressLength)), port);
        }
        int ip = i32(d, at);
        int slot = (ip * 0x9E37_79B9 + port * 0x85EB_CA6B) >>> 18;
        Endpoint cached = ipv4Endpoints[slot];
        if (cached != null && ipv4Ports[slot] == port && ipv4Addresses[slot] == ip) {
            return cached;
        }
        Endpoint fresh = new Endpoint(InetAddress.getByAddress(Arrays.copyOfRange(d, at, at + 4)), port);
        ipv4Endpoints[slot] = fresh;
        ipv4Addresses[slot] = ip;
        ipv4Ports[slot] = port;
        return fresh;
    }

    /** IPv6 stays IPv6: {@code InetAddress.getByAddress} would turn ::ffff:a.b.c.d into an IPv4 address. */
    private static InetAddress address(byte[] bytes) throws UnknownHostException {
        return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
    }

    private static int u16(byte[] d, int at) {
        return ((d[at] & 0xFF) << 8) | (d[at + 1] & 0xFF);
    }

    private static int i32(byte[] d, int at) {
        return ((d[at] & 0xFF) << 24) | ((d[at + 1] & 0xFF) << 16) | ((d[at + 2] & 0xFF) << 8) | (d[at + 3] & 0xFF);
    }
}
