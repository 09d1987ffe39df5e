package org.paqet4j.reassembly.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.ShardedReassembler;
import org.paqet4j.reassembly.StreamInfo;
import org.paqet4j.reassembly.TcpSegment;
import org.paqet4j.reassembly.pcap.CaptureReader;
import org.paqet4j.reassembly.pcap.CaptureWriter;
import org.paqet4j.reassembly.pcap.CapturedFrame;
import org.paqet4j.reassembly.pcap.FrameDecoder;

/** The sharded front end numbers and prints streams exactly as one reassembler does. */
class ShardedFollowTest {

    @TempDir
    Path dir;

    @Test
    void shardedOutputEqualsSingleThreadedOutputByteForByte() throws Exception {
        Path capture = dir.resolve("capture.pcap");
        TrafficGenerator generator = new TrafficGenerator(21).edgeCases().interleaved(1000);
        generator.write(Files.newOutputStream(capture), CaptureWriter.Format.PCAP_MICROS_LE);
        ReassemblyConfig config = Follow.config(OverlapPolicy.BSD, 64L << 20);

        ByteArrayOutputStream single = new ByteArrayOutputStream();
        Follow.run(capture, single, FollowFormat.JSONL, config, -1, null, FollowPrinter.DEFAULT_HOLD_LIMIT);
        assertThat(single.toString(StandardCharsets.US_ASCII).lines()).hasSize(1013);

        for (int shards : new int[] {1, 3, 4}) {
            for (int tickEvery : new int[] {1, 17, 1_000_000}) {
                ByteArrayOutputStream sharded = new ByteArrayOutputStream();
                List<StreamInfo> opened = new ArrayList<>();
                try (FollowPrinter printer = new FollowPrinter(
                        sharded, FollowFormat.JSONL, -1, null, FollowPrinter.DEFAULT_HOLD_LIMIT, null)) {
                    ShardedReassembler reassembler = new ShardedReassembler(config, shards, info -> {
                        opened.add(info);
                        return printer.open(info);
                    });
                    feed(capture, reassembler, tickEvery);
                    reassembler.close();
                    assertThat(reassembler.stats().connectionsCreated()).isEqualTo(1013);
                }
                assertThat(sharded.toString(StandardCharsets.US_ASCII))
                        .as("%d shards, a tick every %d packets", shards, tickEvery)
                        .isEqualTo(single.toString(StandardCharsets.US_ASCII));
                // first-seen order: indices 0, 1, 2… follow the frame that opened each stream
                for (int i = 0; i < opened.size(); i++) {
                    assertThat(opened.get(i).index()).isEqualTo(i);
                    if (i > 0) {
                        assertThat(opened.get(i).firstFrameNumber())
                                .isGreaterThan(opened.get(i - 1).firstFrameNumber());
                    }
                }
            }
        }
    }

    @Property(tries = 6)
    void followOnFourShardsPrintsWhatOneThreadPrints(
            @ForAll long seed, @ForAll boolean text, @ForAll @IntRange(min = 0, max = 3) int fragmentEvery)
            throws Exception {
        Path capture = Files.createTempFile("follow-shards", ".pcap");
        try {
            TrafficGenerator generator = new TrafficGenerator(seed).edgeCases().interleaved(300);
            if (fragmentEvery > 0) {
                generator.fragmentEvery(fragmentEvery + 1);
            }
            try (var out = Files.newOutputStream(capture)) {
                generator.write(out, CaptureWriter.Format.PCAP_MICROS_LE);
            }
            FollowFormat format = text ? FollowFormat.TEXT : FollowFormat.JSONL;
            String single = follow(capture, format, OverlapPolicy.BSD, 1);
            assertThat(single).isNotEmpty();
            for (int threads : new int[] {2, 4}) {
                assertThat(follow(capture, format, OverlapPolicy.BSD, threads))
                        .as("seed %d, %s, %d threads", seed, format, threads)
                        .isEqualTo(single);
            }
        } finally {
            Files.deleteIfExists(capture);
        }
    }

    /** {@code paqet follow -r CAPTURE --threads THREADS}'s output. */
    static String follow(Path capture, FollowFormat format, OverlapPolicy policy, int threads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Follow.run(
                capture,
                out,
                format,
                Follow.config(policy, 64L << 20),
                -1,
                null,
                FollowPrinter.DEFAULT_HOLD_LIMIT,
                threads);
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static void feed(Path capture, ShardedReassembler reassembler, int tickEvery)
            throws IOException, InterruptedException {
        FrameDecoder decoder = new FrameDecoder();
        try (CaptureReader reader = CaptureReader.open(capture)) {
            CapturedFrame frame;
            long n = 0;
            while ((frame = reader.next()) != null) {
                TcpSegment segment = decoder.decode(frame);
                if (segment != null) {
                    reassembler.submit(segment);
                    if (++n % tickEvery == 0) {
                        reassembler.tick(segment.timestampNanos());
                    }
                }
            }
        }
    }
}
