package org.paqet4j.reassembly.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.pcap.CaptureWriter;

/**
 * The generator's captures through {@code Follow} (JSONL, BSD) and through tshark 4.0's
 * {@code -z follow,tcp,raw,N}: every stream's bytes must be equal in both directions, streams
 * matched by their endpoints (and order of appearance for a reused 4-tuple), not by index.
 */
class TsharkOracleTest {

    private static final Pattern LINE = Pattern.compile(
            "\\{\"stream\": (\\d+), \"node0\": \"([^\"]+)\", \"node1\": \"([^\"]+)\", \"dir0\": \\[(.*?)\\], \"dir1\": \\[(.*?)\\], \"end\": \"(fin|rst|timeout|evicted|reused|eof)\"\\}");
    private static final Pattern ITEM = Pattern.compile("\\{\"data\": \"([0-9a-f]+)\"\\}|\\{\"gap\": (\\d+)\\}");

    @TempDir
    Path dir;

    record Ours(long stream, String node0, String node1, byte[] dir0, byte[] dir1, String end) {}

    @Test
    void edgeCasesEqualTsharkByteForByte() throws Exception {
        List<Ours> ours = compare(new TrafficGenerator(13).edgeCases(), CaptureWriter.Format.PCAP_MICROS_LE);
        assertThat(ours).hasSize(13);
        Map<String, String> ends = new HashMap<>();
        for (Ours o : ours) {
            ends.merge(o.node0() + " " + o.node1(), o.end(), (x, y) -> x + "," + y);
        }
        assertThat(ends.get("10.9.0.1:41006 10.9.0.2:7001")).isEqualTo("rst");
        assertThat(ends.get("10.9.0.1:41010 10.9.0.2:7001")).isEqualTo("fin,eof");
        assertThat(ends.get("[2001:db8::1]:41005 [2001:db8::2]:7002")).isEqualTo("eof");
        // the cases really exercise holes: the ACKed one and the 1-byte hole at 2^32 are gaps
        assertThat(new String(ours.get(3).dir0())).isEqualTo("abc[6 bytes missing in capture file]\0defghi");
        assertThat(new String(ours.get(4).dir0()))
                .isEqualTo("0123456789abcde[1 bytes missing in capture file]\0after-the-holetail");
        // late copies after both FINs, within the linger time: as tshark, the stream goes on
        assertThat(new String(ours.get(12).dir0())).isEqualTo("closing");
        assertThat(new String(ours.get(12).dir1())).isEqualTo("late");
        assertThat(ours.get(12).end()).isEqualTo("fin");
    }

    @Test
    void fragmentedIpv4AndIpv6PacketsAreReassembledAsTsharkDoes() throws Exception {
        TrafficGenerator generator = new TrafficGenerator(16).edgeCases().fragmentEvery(3);
        List<Ours> ours = compare(generator, CaptureWriter.Format.PCAP_MICROS_LE);
        assertThat(ours).hasSize(13);
        assertThat(ours.get(5).node0()).startsWith("[2001:db8::1]");
        assertThat(new String(ours.get(5).dir0())).isEqualTo("helloworld");
    }

    @Test
    void edgeCasesInPcapngWithNanosecondsToo() throws Exception {
        compare(new TrafficGenerator(14).edgeCases(), CaptureWriter.Format.PCAPNG_NANOS_BE);
    }

    @Test
    void thousandInterleavedFlowsWithDuplicatesAndReorderingEqualTshark() throws Exception {
        List<Ours> ours = compare(new TrafficGenerator(15).interleaved(1000), CaptureWriter.Format.PCAP_MICROS_LE);
        assertThat(ours).hasSize(1000);
        // the lost segments became gaps somewhere
        assertThat(ours.stream()
                        .filter(o -> new String(o.dir0()).contains("bytes missing in capture file")
                                || new String(o.dir1()).contains("bytes missing in capture file")))
                .isNotEmpty();
    }

    private List<Ours> compare(TrafficGenerator generator, CaptureWriter.Format format) throws Exception {
        assumeTrue(Tshark.available(), "tshark is installed by scripts/install-test-deps");
        Path capture = dir.resolve("capture");
        generator.write(Files.newOutputStream(capture), format);
        List<Ours> ours = follow(capture);
        List<Tshark.Followed> theirs = Tshark.follow(capture, ours.size());
        assertThat(theirs).hasSameSizeAs(ours);
        // by endpoints, in order of appearance (tshark's stream index orders a reused 4-tuple)
        Map<String, List<Tshark.Followed>> byEndpoints = new HashMap<>();
        for (Tshark.Followed t : theirs.stream()
                .sorted(Comparator.comparingLong(Tshark.Followed::stream))
                .toList()) {
            byEndpoints
                    .computeIfAbsent(t.node0() + " " + t.node1(), k -> new ArrayList<>())
                    .add(t);
        }
        for (Ours o : ours) {
            List<Tshark.Followed> candidates = byEndpoints.get(o.node0() + " " + o.node1());
            assertThat(candidates)
                    .as("tshark has a stream %s -> %s", o.node0(), o.node1())
                    .isNotEmpty();
            Tshark.Followed t = candidates.removeFirst();
            assertThat(HexFormat.of().formatHex(o.dir0()))
                    .as("stream %d dir0 (%s)", o.stream(), o.node0())
                    .isEqualTo(HexFormat.of().formatHex(t.dir0()));
            assertThat(HexFormat.of().formatHex(o.dir1()))
                    .as("stream %d dir1 (%s)", o.stream(), o.node1())
                    .isEqualTo(HexFormat.of().formatHex(t.dir1()));
        }
        return ours;
    }

    private List<Ours> follow(Path capture) throws IOException {
        return follow(capture, OverlapPolicy.BSD);
    }

    /** {@code follow --format jsonl --policy POLICY} on {@code capture}, parsed. */
    static List<Ours> follow(Path capture, OverlapPolicy policy) throws IOException {
        String single = ShardedFollowTest.follow(capture, FollowFormat.JSONL, policy, 1);
        // the sharded run (what paqet follow -r does on several cores) prints the very same bytes
        assertThat(ShardedFollowTest.follow(capture, FollowFormat.JSONL, policy, 4))
                .as("follow with 4 shards")
                .isEqualTo(single);
        List<Ours> result = new ArrayList<>();
        for (String line : single.split("\n")) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("JSONL line %s", line).isTrue();
            result.add(new Ours(
                    Long.parseLong(m.group(1)),
                    m.group(2),
                    m.group(3),
                    items(m.group(4)),
                    items(m.group(5)),
                    m.group(6)));
        }
        return result;
    }

    /** Data items as bytes, gaps as tshark writes them. */
    static byte[] items(String list) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Matcher m = ITEM.matcher(list);
        while (m.find()) {
            if (m.group(1) != null) {
                out.writeBytes(HexFormat.of().parseHex(m.group(1)));
            } else {
                out.writeBytes(("[" + m.group(2) + " bytes missing in capture file]\0").getBytes());
            }
        }
        return out.toByteArray();
    }
}
