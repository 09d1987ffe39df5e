package org.paqet4j.reassembly.follow;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.paqet4j.reassembly.pcap.CaptureWriter;
import org.paqet4j.reassembly.pcap.LinkType;

/**
 * Writes a capture for measuring {@code paqet follow -r} end to end: {@code FLOWS} interleaved
 * flows from {@link TrafficGenerator} (10 % reordered, 5 % duplicated segments), in batches so
 * the generator's memory stays small. Usage: {@code BenchCapture OUT.pcap FLOWS}.
 */
public final class BenchCapture {

    private BenchCapture() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int flows = Integer.parseInt(args[1]);
        long packets = 0;
        try (CaptureWriter writer = new CaptureWriter(
                new BufferedOutputStream(Files.newOutputStream(out), 1 << 20),
                CaptureWriter.Format.PCAP_MICROS_LE,
                LinkType.RAW)) {
            for (int batch = 0; batch * 10_000 < flows; batch++) {
                TrafficGenerator generator =
                        new TrafficGenerator(batch).interleaved(Math.min(10_000, flows - batch * 10_000));
                for (TrafficGenerator.Packet p : generator.packets()) {
                    writer.write(p.ip(), p.nanos());
                    packets++;
                }
            }
        }
        System.out.println(packets + " packets, " + Files.size(out) + " bytes");
    }
}
