package org.paqet4j.reassembly.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.TcpReassembler;
import org.paqet4j.reassembly.TcpSegment;

/**
 * A capture whose first stream lasts to the end: every other stream's output has to wait for it.
 * With a small hold limit the waiting output goes to a temporary file; the printed bytes must not
 * change, the heap held must stay within the limit after every packet, and the file must be gone
 * after close.
 */
class FollowSpillTest {

    private static final int SYN = TcpSegment.SYN;
    private static final int ACK = TcpSegment.ACK;
    private static final int FIN = TcpSegment.FIN;
    private static final long LIMIT = 64 << 10;

    @TempDir
    Path spillDir;

    @ParameterizedTest
    @EnumSource(FollowFormat.class)
    void waitingOutputSpillsWithoutChangingIt(FollowFormat format) throws IOException {
        List<TcpSegment> packets = capture();
        String inMemory = print(packets, format, Long.MAX_VALUE, false);
        String spilled = print(packets, format, LIMIT, true);

        assertThat(spilled).isEqualTo(inMemory);
        assertThat(spilled).startsWith(format == FollowFormat.JSONL ? "{\"stream\": 0, " : "\n=====");
        assertThat(spilled.lines().filter(l -> l.startsWith(format == FollowFormat.JSONL ? "{\"stream\"" : "Node 0:")))
                .hasSize(301);
        try (var left = Files.list(spillDir)) {
            assertThat(left).as("spill file deleted").isEmpty();
        }
    }

    private String print(List<TcpSegment> packets, FollowFormat format, long limit, boolean expectSpill)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long maxHeld = 0;
        try (FollowPrinter printer = new FollowPrinter(out, format, -1, null, limit, spillDir);
                TcpReassembler reassembler = new TcpReassembler(Follow.config(OverlapPolicy.BSD, 64L << 20), printer)) {
            for (TcpSegment s : packets) {
                reassembler.process(s);
                maxHeld = Math.max(maxHeld, printer.heldBytes());
            }
            reassembler.close();
            if (expectSpill) {
                assertThat(printer.spilledBytes()).as("spilled").isGreaterThan(1 << 20);
                assertThat(maxHeld).as("held heap").isLessThanOrEqualTo(limit);
            } else {
                assertThat(printer.spilledBytes()).isZero();
                assertThat(maxHeld).isGreaterThan(1 << 20);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Stream 0 sends a segment between every other packet and ends last; 300 short streams in between, some with holes. */
    private static List<TcpSegment> capture() throws IOException {
        Random random = new Random(7);
        Endpoint longClient = endpoint(10, 0, 0, 1, 50_000);
        Endpoint server = endpoint(10, 0, 0, 2, 80);
        List<TcpSegment> out = new ArrayList<>();
        long[] clock = {0};
        int longSeq = 1000;
        out.add(segment(longClient, server, longSeq - 1, 0, SYN, new byte[0], clock));
        for (int s = 0; s < 300; s++) {
            Endpoint client = endpoint(10, 1, s >> 8, s & 0xFF, 40_000);
            int seq = 5000;
            int serverSeq = 9000;
            out.add(segment(client, server, seq - 1, 0, SYN, new byte[0], clock));
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[500 + random.nextInt(1000)];
                random.nextBytes(data);
                if (i != 3 || s % 5 != 0) { // every fifth stream loses a segment its peer then ACKs
                    out.add(segment(client, server, seq, serverSeq, ACK, data, clock));
                }
                seq += data.length;
                byte[] reply = ("reply " + i + " of " + s + "\r\n").getBytes();
                out.add(segment(server, client, serverSeq, seq, ACK, reply, clock));
                serverSeq += reply.length;
                byte[] chunk = new byte[200];
                random.nextBytes(chunk);
                out.add(segment(longClient, server, longSeq, 1, ACK, chunk, clock));
                longSeq += chunk.length;
            }
            out.add(segment(client, server, seq, serverSeq, FIN | ACK, new byte[0], clock));
            out.add(segment(server, client, serverSeq, seq + 1, FIN | ACK, new byte[0], clock));
        }
        out.add(segment(longClient, server, longSeq, 1, FIN | ACK, new byte[0], clock));
        return out;
    }

    private static TcpSegment segment(
            Endpoint from, Endpoint to, int seq, int ack, int flags, byte[] data, long[] clock) {
        clock[0] += 1000;
        return new TcpSegment(from, to, seq, ack, flags, 65_535, data, clock[0], clock[0] / 1000);
    }

    private static Endpoint endpoint(int a, int b, int c, int d, int port) throws IOException {
        return new Endpoint(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
    }
}
