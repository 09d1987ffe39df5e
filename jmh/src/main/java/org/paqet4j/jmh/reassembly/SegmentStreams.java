package org.paqet4j.jmh.reassembly;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.TcpSegment;

/** Decoded segment sequences for the reassembler benchmarks (built once per trial, outside the measurement). */
final class SegmentStreams {

    private static final Endpoint SERVER = endpoint(0x0A01_0001, 80);

    private SegmentStreams() {}

    /**
     * {@code count} segments of {@code payload} bytes over {@code flows} interleaved flows (mid-stream
     * pickup, no handshake); {@code reorderPercent} of them swapped with the same flow's next segment.
     */
    static TcpSegment[] interleaved(int count, int flows, int payload, int reorderPercent) {
        Endpoint[] clients = new Endpoint[flows];
        for (int f = 0; f < flows; f++) {
            clients[f] = endpoint(0x0A02_0000 + f, 40_000);
        }
        byte[] bytes = new byte[payload];
        new Random(2).nextBytes(bytes);
        TcpSegment[] out = new TcpSegment[count];
        int[] next = new int[flows];
        for (int i = 0; i < count; i++) {
            int f = i % flows;
            out[i] = new TcpSegment(clients[f], SERVER, 1 + next[f], 1, TcpSegment.ACK, 65_535, bytes, i, i + 1);
            next[f] += payload;
        }
        Random random = new Random(1);
        for (int i = 0; i + flows < count; i++) {
            // keep each flow's first segment in place: a stream picked up mid-way starts where its first segment is
            if (i >= flows && random.nextInt(100) < reorderPercent) {
                TcpSegment a = out[i];
                out[i] = out[i + flows];
                out[i + flows] = a;
                i++;
            }
        }
        return out;
    }

    /** {@code flows} connections opened by a SYN each, then two data segments each, round robin: all stay open. */
    static TcpSegment[] concurrentFlows(int flows, int payload) {
        byte[] bytes = new byte[payload];
        TcpSegment[] out = new TcpSegment[flows * 3];
        for (int f = 0; f < flows; f++) {
            Endpoint client = endpoint(0x0A00_0000 + f, 40_000 + (f & 0x3FF));
            out[f] = new TcpSegment(client, SERVER, 999, 0, TcpSegment.SYN, 65_535, new byte[0], f, f + 1);
            out[flows + f] =
                    new TcpSegment(client, SERVER, 1000, 1, TcpSegment.ACK, 65_535, bytes, flows + f, flows + f + 1);
            out[2 * flows + f] = new TcpSegment(
                    client,
                    SERVER,
                    1000 + payload,
                    1,
                    TcpSegment.ACK,
                    65_535,
                    bytes,
                    2L * flows + f,
                    2L * flows + f + 1);
        }
        return out;
    }

    static Endpoint endpoint(int ipv4, int port) {
        try {
            return new Endpoint(
                    InetAddress.getByAddress(
                            new byte[] {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4}),
                    port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an address", e);
        }
    }
}
