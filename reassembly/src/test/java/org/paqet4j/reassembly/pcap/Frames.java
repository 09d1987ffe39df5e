package org.paqet4j.reassembly.pcap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.paqet4j.reassembly.Endpoint;

/** Builds IPv4/IPv6 TCP packets and wraps them in link-layer headers, for tests and the generator. */
public final class Frames {

    private Frames() {}

    /** An IP packet (version from the source address) carrying one TCP segment; checksums are left zero. */
    public static byte[] ip(Endpoint from, Endpoint to, int seq, int ack, int flags, int window, byte[] payload) {
        byte[] src = from.address().getAddress();
        byte[] dst = to.address().getAddress();
        int tcpLength = 20 + payload.length;
        ByteBuffer b;
        if (src.length == 4) {
            b = ByteBuffer.allocate(20 + tcpLength);
            b.put((byte) 0x45)
                    .put((byte) 0)
                    .putShort((short) (20 + tcpLength))
                    .putShort((short) 0)
                    .putShort((short) 0x4000)
                    .put((byte) 64)
                    .put((byte) 6)
                    .putShort((short) 0)
                    .put(src)
                    .put(dst);
            int sum = 0;
            for (int i = 0; i < 20; i += 2) {
                sum += ((b.get(i) & 0xFF) << 8) | (b.get(i + 1) & 0xFF);
            }
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            b.putShort(10, (short) ~sum);
        } else {
            b = ByteBuffer.allocate(40 + tcpLength);
            b.putInt(0x6000_0000)
                    .putShort((short) tcpLength)
                    .put((byte) 6)
                    .put((byte) 64)
                    .put(src)
                    .put(dst);
        }
        b.putShort((short) from.port())
                .putShort((short) to.port())
                .putInt(seq)
                .putInt(ack)
                .put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) window)
                .putInt(0)
                .put(payload);
        return b.array();
    }

    /** Ethernet II, optionally with 802.1Q tags (one per VLAN id given). */
    public static byte[] ethernet(byte[] ip, int... vlans) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlans.length + ip.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int vlan : vlans) {
            b.putShort((short) 0x8100).putShort((short) vlan);
        }
        b.putShort((short) ((ip[0] & 0xF0) == 0x40 ? 0x0800 : 0x86DD)).put(ip);
        return b.array();
    }

    public static byte[] linuxSll(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 6)
                .put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0})
                .putShort((short) ((ip[0] & 0xF0) == 0x40 ? 0x0800 : 0x86DD))
                .put(ip);
        return b.array();
    }

    public static byte[] linuxSll2(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) ((ip[0] & 0xF0) == 0x40 ? 0x0800 : 0x86DD))
                .putShort((short) 0)
                .putInt(1)
                .putShort((short) 1)
                .put((byte) 0)
                .put((byte) 6)
                .put(new byte[] {2, 0, 0, 0, 0, 1, 0, 0})
                .put(ip);
        return b.array();
    }

    /** BSD loopback: the address family in host byte order (little-endian here). */
    public static byte[] nullLoopback(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((ip[0] & 0xF0) == 0x40 ? 2 : 30).put(ip);
        return b.array();
    }

    /** Splits an IPv4 packet's payload at the given offsets (multiples of 8, the first 0). */
    public static List<byte[]> ipv4Fragments(byte[] ip, int id, int... cuts) {
        int header = (ip[0] & 0x0F) * 4;
        byte[] payload = Arrays.copyOfRange(ip, header, ip.length);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < cuts.length; i++) {
            int from = cuts[i];
            int to = i + 1 < cuts.length ? cuts[i + 1] : payload.length;
            byte[] part = new byte[header + to - from];
            System.arraycopy(ip, 0, part, 0, header);
            System.arraycopy(payload, from, part, header, to - from);
            part[2] = (byte) (part.length >>> 8);
            part[3] = (byte) part.length;
            part[4] = (byte) (id >>> 8);
            part[5] = (byte) id;
            int flags = (i + 1 < cuts.length ? 0x2000 : 0) | (from / 8);
            part[6] = (byte) (flags >>> 8);
            part[7] = (byte) flags;
            out.add(part);
        }
        return out;
    }

    /** Splits an IPv6 packet (no extension headers) into fragments with a fragment header each. */
    public static List<byte[]> ipv6Fragments(byte[] ip, int id, int... cuts) {
        byte[] payload = Arrays.copyOfRange(ip, 40, ip.length);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < cuts.length; i++) {
            int from = cuts[i];
            int to = i + 1 < cuts.length ? cuts[i + 1] : payload.length;
            byte[] part = new byte[48 + to - from];
            System.arraycopy(ip, 0, part, 0, 40);
            part[6] = 44;
            int length = part.length - 40;
            part[4] = (byte) (length >>> 8);
            part[5] = (byte) length;
            part[40] = ip[6];
            int offsetAndFlag = from | (i + 1 < cuts.length ? 1 : 0);
            part[42] = (byte) (offsetAndFlag >>> 8);
            part[43] = (byte) offsetAndFlag;
            part[44] = (byte) (id >>> 24);
            part[45] = (byte) (id >>> 16);
            part[46] = (byte) (id >>> 8);
            part[47] = (byte) id;
            System.arraycopy(payload, from, part, 48, to - from);
            out.add(part);
        }
        return out;
    }
}
