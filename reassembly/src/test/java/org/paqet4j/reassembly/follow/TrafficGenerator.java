package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.TcpSegment;
import org.paqet4j.reassembly.pcap.CaptureWriter;
import org.paqet4j.reassembly.pcap.Frames;
import org.paqet4j.reassembly.pcap.LinkType;

/**
 * A deterministic generator (fixed random source) of TCP traffic covering what reassembly gets wrong: retransmissions with
 * different bytes, overlaps past delivered data, conflicting queued copies, holes with and without
 * an ACK past them, the 2^32 wrap, IPv6, RST mid-stream, mid-stream pickup, data on SYN and after
 * FIN, port reuse, and many interleaved flows with duplicates and reordering.
 */
final class TrafficGenerator {

    record Packet(byte[] ip, long nanos) {}

    /** One generated connection: its sides, and which one sent first (node 0 of the stream). */
    static final class Flow {
        final Side[] sides;
        Side first;

        Flow(Side[] sides) {
            this.sides = sides;
        }
    }

    /** The per-segment policies whose expected output the generator computes. */
    static final OverlapPolicy[] MODELLED = {
        OverlapPolicy.FIRST, OverlapPolicy.LAST, OverlapPolicy.LINUX, OverlapPolicy.WINDOWS, OverlapPolicy.SOLARIS
    };

    private final Random random;
    private final List<Packet> packets = new ArrayList<>();
    private final List<Flow> flows = new ArrayList<>();
    private long nanos = 1_700_000_000_000_000_000L;

    TrafficGenerator(long randomness) {
        this.random = new Random(randomness);
    }

    List<Packet> packets() {
        return packets;
    }

    /** Every connection, in the order they were set up. */
    List<Flow> flows() {
        return flows;
    }

    /** One side's view: its ISN and how far the peer's bytes arrived contiguously (what it ACKs). */
    final class Side {
        final Endpoint self;
        final int isn;
        final Map<OverlapPolicy, PolicyModel> expected = new EnumMap<>(OverlapPolicy.class);
        Flow flow;
        Side peer;
        long received;

        Side(Endpoint self, int isn) {
            this.self = self;
            this.isn = isn;
            for (OverlapPolicy p : MODELLED) {
                expected.put(p, new PolicyModel(p));
            }
        }

        /** What this side's data must print as under {@code policy}. */
        byte[] expected(OverlapPolicy policy) {
            return expected.get(policy).printed();
        }

        /** Data at stream offset {@code offset} (0 = first byte after the SYN). */
        void send(long offset, byte[] data, int flags) {
            emit(this, isn + 1 + (int) offset, peer.isn + 1 + (int) received, flags | TcpSegment.ACK, data);
            if (offset <= peer.received && offset + data.length > peer.received) {
                peer.received = offset + data.length;
            }
        }

        /** A segment the peer received but the capture missed: the peer's ACKs will pass the hole. */
        void lose(long offset, byte[] data) {
            if (offset <= peer.received && offset + data.length > peer.received) {
                peer.received = offset + data.length;
            }
        }

        void send(long offset, String data) {
            send(offset, data.getBytes(), TcpSegment.PSH);
        }

        void ack(long ackOffset) {
            emit(this, isn + 1 + (int) received, peer.isn + 1 + (int) ackOffset, TcpSegment.ACK, new byte[0]);
        }

        void syn(byte[] data) {
            emit(this, isn, 0, TcpSegment.SYN, data);
            peer.received = data.length;
        }

        void synAck() {
            emit(this, isn, peer.isn + 1 + (int) received, TcpSegment.SYN | TcpSegment.ACK, new byte[0]);
        }
    }

    Side[] connection(Endpoint client, Endpoint server, int clientIsn, int serverIsn) {
        Side c = new Side(client, clientIsn);
        Side s = new Side(server, serverIsn);
        c.peer = s;
        s.peer = c;
        Flow flow = new Flow(new Side[] {c, s});
        c.flow = flow;
        s.flow = flow;
        flows.add(flow);
        return flow.sides;
    }

    Side[] handshake(Endpoint client, Endpoint server, int clientIsn, int serverIsn) {
        Side[] cs = connection(client, server, clientIsn, serverIsn);
        cs[0].syn(new byte[0]);
        cs[1].synAck();
        cs[0].ack(0);
        return cs;
    }

    void emit(Side from, int seq, int ack, int flags, byte[] data) {
        nanos += 1_000 + random.nextInt(1_000_000);
        packets.add(new Packet(Frames.ip(from.self, from.peer.self, seq, ack, flags, 65_535, data), nanos));
        if (from.flow.first == null) {
            from.flow.first = from;
        }
        // as the reassembler does: the acknowledgement (of the peer's bytes) first, then the data
        for (OverlapPolicy p : MODELLED) {
            if ((flags & TcpSegment.ACK) != 0) {
                from.peer.expected.get(p).ack(ack - (from.peer.isn + 1));
            }
            from.expected.get(p).segment((flags & TcpSegment.SYN) != 0, seq - (from.isn + 1), data);
        }
    }

    static Endpoint endpoint(String ip, int port) {
        try {
            return new Endpoint(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    byte[] bytes(int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    /** Every edge case once, each on its own port pair. */
    TrafficGenerator edgeCases() {
        int port = 41_000;
        Endpoint server = endpoint("10.9.0.2", 7_001);

        // retransmission of delivered data with different bytes
        Side[] a = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        a[0].send(0, "hello world");
        a[0].send(0, "HELLO");
        a[0].send(11, "!");
        a[1].send(0, "ok");

        // a partial overlap past delivered data
        Side[] b = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        b[0].send(0, "0123456789");
        b[0].send(5, "ABCDEFGHIJKLMNO");

        // conflicting queued copies: same start, then lower start, then a filler over the queue
        Side[] c = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        c[0].send(10, "aaaaa");
        c[0].send(10, "bbbbb");
        c[0].send(7, "ccccccccc");
        c[0].send(20, "ddddd");
        c[0].send(0, "0123456789012");
        c[0].send(15, "eeeee");
        c[0].send(25, "ff");

        // a hole the peer ACKs (tshark: bytes missing) and one it does not
        Side[] d = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        d[0].send(0, "abc");
        d[0].send(9, "def");
        d[1].ack(12);
        d[0].send(12, "ghi");
        d[0].send(20, "never");
        d[0].send(30, "reached");

        // sequence wrap: ISN 0xFFFFFFF0, a 1-byte hole exactly at 2^32 that the peer ACKs
        Side[] e = handshake(endpoint("10.9.0.1", port++), server, 0xFFFF_FFF0, random.nextInt());
        e[0].send(0, "0123456789abcde"); // seq 0xFFFFFFF1 .. 0xFFFFFFFF
        e[0].send(16, "after-the-hole"); // seq 1 ..
        e[1].ack(30);
        e[0].send(15, "X"); // the missing byte arrives too late
        e[0].send(30, "tail");

        // IPv6 with reordering
        Side[] f = handshake(
                endpoint("2001:db8::1", port++), endpoint("2001:db8::2", 7_002), random.nextInt(), random.nextInt());
        f[0].send(5, "world");
        f[0].send(0, "hello");
        f[1].send(0, "v6 reply");

        // RST mid-stream, then data after it
        Side[] g = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        g[0].send(0, "before");
        g[1].send(0, "x".getBytes(), TcpSegment.RST);
        g[0].send(6, "after-rst");

        // mid-stream pickup: no handshake, the first packet is in the middle of the stream
        Side[] h = connection(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        h[1].send(1000, "server-first");
        h[0].send(500, "client");
        h[0].send(490, "earlier-retransmit");

        // data on SYN
        Side[] i = connection(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        i[0].syn("syn-data".getBytes());
        i[1].synAck();
        i[0].send(8, "more");

        // data after FIN
        Side[] j = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        j[0].send(0, "bye".getBytes(), TcpSegment.FIN);
        j[0].send(4, "zombie");
        j[1].send(0, "fin".getBytes(), TcpSegment.FIN);

        // port reuse: closed, then a new SYN on the same 4-tuple
        Endpoint reused = endpoint("10.9.0.1", port++);
        Side[] k = handshake(reused, server, random.nextInt(), random.nextInt());
        k[0].send(0, "first life".getBytes(), TcpSegment.FIN);
        k[1].send(0, "".getBytes(), TcpSegment.FIN);
        Side[] l = handshake(reused, server, k[0].isn + 100_000, random.nextInt());
        l[0].send(0, "second life");
        l[1].send(0, "ok again");

        // late copies after FIN from both sides (within the reassembler's linger time): a
        // retransmission with other bytes is ignored, new bytes past the FIN are still delivered
        Side[] m = handshake(endpoint("10.9.0.1", port++), server, random.nextInt(), random.nextInt());
        m[0].send(0, "closing");
        m[0].send(7, new byte[0], TcpSegment.FIN);
        m[1].send(0, "".getBytes(), TcpSegment.FIN);
        m[0].send(0, "CLOSING");
        m[1].send(0, "late");
        return this;
    }

    /**
     * {@code flows} connections interleaved packet by packet; each sends data both ways in random
     * segments, with 10 % of segments swapped with the next, 5 % sent twice and 2 % missing from
     * the capture (the receiver got them, so its ACKs pass the hole), then closes.
     */
    TrafficGenerator interleaved(int flows) {
        List<List<Runnable>> scripts = new ArrayList<>();
        for (int n = 0; n < flows; n++) {
            Endpoint client = endpoint("10.8." + (n >> 8 & 0xFF) + "." + (n & 0xFF), 20_000 + n % 30_000);
            Endpoint server = endpoint("10.7.0." + (1 + n % 200), 9_000 + n % 7);
            Side[] cs = connection(client, server, random.nextInt(), random.nextInt());
            List<Runnable> steps = new ArrayList<>();
            steps.add(() -> cs[0].syn(new byte[0]));
            steps.add(cs[1]::synAck);
            steps.add(() -> cs[0].ack(0));
            for (int side = 0; side < 2; side++) {
                Side sender = cs[side];
                List<Runnable> sends = new ArrayList<>();
                long offset = 0;
                int segments = 1 + random.nextInt(8);
                for (int s = 0; s < segments; s++) {
                    byte[] data = bytes(1 + random.nextInt(300));
                    long at = offset;
                    if (random.nextInt(50) == 0) {
                        sends.add(() -> sender.lose(at, data));
                        offset += data.length;
                        continue;
                    }
                    sends.add(() -> sender.send(at, data, TcpSegment.PSH));
                    if (random.nextInt(20) == 0) {
                        sends.add(() -> sender.send(at, data, TcpSegment.PSH));
                    }
                    offset += data.length;
                }
                for (int s = 0; s + 1 < sends.size(); s++) {
                    if (random.nextInt(10) == 0) {
                        Runnable swap = sends.get(s);
                        sends.set(s, sends.get(s + 1));
                        sends.set(s + 1, swap);
                        s++;
                    }
                }
                steps.addAll(sends);
                long end = offset;
                steps.add(() -> sender.send(end, new byte[0], TcpSegment.FIN));
            }
            scripts.add(steps);
        }
        List<List<Runnable>> live = new ArrayList<>(scripts);
        int[] next = new int[flows];
        List<Integer> index = new ArrayList<>();
        for (int n = 0; n < flows; n++) {
            index.add(n);
        }
        while (!index.isEmpty()) {
            int pick = random.nextInt(Math.min(index.size(), 64));
            int flow = index.get(pick);
            live.get(flow).get(next[flow]++).run();
            if (next[flow] == live.get(flow).size()) {
                index.remove(pick);
            }
        }
        return this;
    }

    /**
     * Splits every {@code nth} packet carrying more than 16 bytes of IP payload into two or three IP
     * fragments (IPv4 or IPv6, as the packet), sometimes last fragment first; follow and tshark
     * both have to put them back together.
     */
    TrafficGenerator fragmentEvery(int nth) {
        List<Packet> out = new ArrayList<>();
        int id = 1;
        for (int i = 0; i < packets.size(); i++) {
            Packet p = packets.get(i);
            boolean v6 = (p.ip()[0] & 0xF0) == 0x60;
            int payload = p.ip().length - (v6 ? 40 : (p.ip()[0] & 0x0F) * 4);
            if (i % nth != 0 || payload <= 16) {
                out.add(p);
                continue;
            }
            int half = payload / 2 / 8 * 8;
            int[] cuts = payload > 48 && random.nextBoolean()
                    ? new int[] {0, 8, half < 16 ? 16 : half}
                    : new int[] {0, Math.max(8, half)};
            List<byte[]> parts =
                    v6 ? Frames.ipv6Fragments(p.ip(), id++, cuts) : Frames.ipv4Fragments(p.ip(), id++ & 0xFFFF, cuts);
            if (random.nextBoolean()) {
                Collections.reverse(parts);
            }
            for (byte[] part : parts) {
                out.add(new Packet(part, p.nanos()));
            }
        }
        packets.clear();
        packets.addAll(out);
        return this;
    }

    void write(OutputStream out, CaptureWriter.Format format) throws IOException {
        try (CaptureWriter writer = new CaptureWriter(out, format, LinkType.RAW)) {
            for (Packet p : packets) {
                writer.write(p.ip(), p.nanos());
            }
        }
    }
}
