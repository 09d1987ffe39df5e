package org.paqet4j.jmh.reassembly;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a classic pcap (raw IPv4) for the end-to-end benchmark: {@code flows} TCP connections,
 * 1000 at a time interleaved packet by packet, each a handshake, {@code segments} client segments
 * of 200-1400 bytes answered by an ACK every second segment, a short reply and FINs. 10 % of the
 * client segments are swapped with their successor and 5 % are sent twice. Deterministic.
 */
final class BenchPcap {

    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;

    private final OutputStream out;
    private final Random random = new Random(13);
    private final byte[] payload = new byte[1400];
    private long micros;
    private long packets;

    private BenchPcap(OutputStream out) {
        this.out = out;
        random.nextBytes(payload);
    }

    /** Writes the capture and returns its packet count. */
    static long write(Path file, int flows, int segments) throws IOException {
        try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            BenchPcap pcap = new BenchPcap(stream);
            ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xA1B2_C3D4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0)
                    .putInt(65_535)
                    .putInt(101);
            stream.write(header.array());
            for (int first = 0; first < flows; first += 1000) {
                pcap.batch(first, Math.min(1000, flows - first), segments);
            }
            return pcap.packets;
        }
    }

    private record Packet(
            int client, int server, int clientPort, int seq, int ack, int flags, int length, boolean fromClient) {}

    private void batch(int first, int count, int segments) throws IOException {
        List<List<Packet>> perFlow = new ArrayList<>();
        for (int f = first; f < first + count; f++) {
            perFlow.add(flow(0x0A00_0000 | (f & 0xFFFF), 0x0A80_0001 + (f >>> 16), 40_000 + (f & 0x3FFF), segments));
        }
        // round robin over the flows: every flow of the batch is open at once
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<Packet> flow : perFlow) {
                if (i < flow.size()) {
                    any = true;
                    emit(flow.get(i));
                }
            }
            if (!any) {
                return;
            }
        }
    }

    private List<Packet> flow(int client, int server, int port, int segments) {
        List<Packet> p = new ArrayList<>();
        int cseq = random.nextInt();
        int sseq = random.nextInt();
        p.add(new Packet(client, server, port, cseq, 0, SYN, 0, true));
        p.add(new Packet(client, server, port, sseq, cseq + 1, SYN | ACK, 0, false));
        cseq++;
        sseq++;
        p.add(new Packet(client, server, port, cseq, sseq, ACK, 0, true));
        List<Packet> data = new ArrayList<>();
        for (int s = 0; s < segments; s++) {
            int length = 200 + random.nextInt(1201);
            data.add(new Packet(client, server, port, cseq, sseq, ACK | PSH, length, true));
            cseq += length;
            if (s % 2 == 1) {
                data.add(new Packet(client, server, port, sseq, cseq, ACK, 0, false));
            }
        }
        for (int i = 0; i + 1 < data.size(); i++) {
            if (data.get(i).fromClient() && data.get(i + 1).fromClient() && random.nextInt(100) < 10) {
                Packet a = data.get(i);
                data.set(i, data.get(i + 1));
                data.set(i + 1, a);
                i++;
            }
        }
        for (Packet d : data) {
            p.add(d);
            if (d.fromClient() && d.length() > 0 && random.nextInt(100) < 5) {
                p.add(d);
            }
        }
        p.add(new Packet(client, server, port, sseq, cseq, ACK | PSH, 100, false));
        sseq += 100;
        p.add(new Packet(client, server, port, cseq, sseq, FIN | ACK, 0, true));
        p.add(new Packet(client, server, port, sseq, cseq + 1, FIN | ACK, 0, false));
        return p;
    }

    private void emit(Packet p) throws IOException {
        int total = 40 + p.length();
        ByteBuffer b = ByteBuffer.allocate(16 + 40).order(ByteOrder.LITTLE_ENDIAN);
        micros += 10;
        b.putInt((int) (micros / 1_000_000))
                .putInt((int) (micros % 1_000_000))
                .putInt(total)
                .putInt(total);
        b.order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) total)
                .putInt(0)
                .put((byte) 64)
                .put((byte) 6)
                .putShort((short) 0);
        b.putInt(p.fromClient() ? p.client() : p.server()).putInt(p.fromClient() ? p.server() : p.client());
        b.putShort((short) (p.fromClient() ? p.clientPort() : 80))
                .putShort((short) (p.fromClient() ? 80 : p.clientPort()));
        b.putInt(p.seq())
                .putInt(p.ack())
                .put((byte) 0x50)
                .put((byte) p.flags())
                .putShort((short) 65_535)
                .putInt(0);
        out.write(b.array());
        out.write(payload, 0, p.length());
        packets++;
    }
}
