package org.paqet4j.reassembly.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.pcap.CaptureWriter;

/**
 * The generator's captures through {@code follow --policy P} for every policy but BSD (which
 * {@link TsharkOracleTest} checks against tshark): each stream direction must print exactly the
 * bytes the generator's per-byte model expects, streams matched by endpoints in order of appearance.
 */
class GeneratedPolicyTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = OverlapPolicy.class,
            names = {"FIRST", "LAST", "LINUX", "WINDOWS", "SOLARIS"})
    void followPrintsWhatTheGeneratorExpects(OverlapPolicy policy) throws Exception {
        TrafficGenerator generator = new TrafficGenerator(21).edgeCases();
        generator.interleaved(500);
        Path capture = dir.resolve("capture.pcap");
        generator.write(Files.newOutputStream(capture), CaptureWriter.Format.PCAP_MICROS_LE);

        List<TsharkOracleTest.Ours> ours = TsharkOracleTest.follow(capture, policy);
        Map<String, List<TrafficGenerator.Flow>> byEndpoints = new HashMap<>();
        for (TrafficGenerator.Flow f : generator.flows()) {
            byEndpoints
                    .computeIfAbsent(f.first.self + " " + f.first.peer.self, k -> new ArrayList<>())
                    .add(f);
        }
        assertThat(ours).hasSize(generator.flows().size());
        for (TsharkOracleTest.Ours o : ours) {
            List<TrafficGenerator.Flow> candidates = byEndpoints.get(o.node0() + " " + o.node1());
            assertThat(candidates)
                    .as("generated %s -> %s", o.node0(), o.node1())
                    .isNotEmpty();
            TrafficGenerator.Flow f = candidates.removeFirst();
            byte[] dir0 = f.first.expected(policy);
            byte[] dir1 = f.first.peer.expected(policy);
            assertThat(HexFormat.of().formatHex(o.dir0()))
                    .as("%s stream %d dir0", policy, o.stream())
                    .isEqualTo(HexFormat.of().formatHex(dir0));
            assertThat(HexFormat.of().formatHex(o.dir1()))
                    .as("%s stream %d dir1", policy, o.stream())
                    .isEqualTo(HexFormat.of().formatHex(dir1));
        }
        // the edge cases' conflicting copies really make the policies disagree
        TrafficGenerator.Flow conflicts = generator.flows().get(2);
        assertThat(new String(conflicts.first.expected(policy))).isNotEmpty();
        if (policy != OverlapPolicy.FIRST) {
            assertThat(conflicts.first.expected(policy)).isNotEqualTo(conflicts.first.expected(OverlapPolicy.FIRST));
        }
    }
}
