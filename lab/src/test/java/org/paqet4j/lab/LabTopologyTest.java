package org.paqet4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.packet.route.ChildJvm;
import org.paqet4j.packet.testing.NetnsTest;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class LabTopologyTest {

    private static String namespaces() throws Exception {
        Process process = new ProcessBuilder("ip", "netns", "list")
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static int exit(ProcessBuilder builder) throws Exception {
        return builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
    }

    @Test
    void hostsReachEachOtherInBothFamiliesAndCloseRemovesEveryNamespace() throws Exception {
        String prefix = LabTopology.uniquePrefix("lab");
        LabTopology lab = LabTopology.builder(prefix).start();
        try {
            assertThat(namespaces()).contains(prefix + "-a", prefix + "-m", prefix + "-b");
            assertThat(lab.a().namespace()).isEqualTo(prefix + "-a");
            assertThat(lab.middleNamespace()).isEqualTo(prefix + "-m");
            assertThat(lab.b().ipv4().getHostAddress()).isEqualTo("198.18.0.2");
            assertThat(lab.b().ipv6().getHostAddress()).isEqualTo("2001:2:0:0:0:0:0:2");
            assertThat(exit(LabTopology.exec(lab.a(), "ping", "-c", "1", "-W", "2", "198.18.0.2")))
                    .isZero();
            assertThat(exit(LabTopology.exec(lab.b(), "ping", "-6", "-c", "1", "-W", "2", "2001:2::1")))
                    .isZero();
            // ARP and NDP crossed the bridge: b knows a's MAC
            Process neighbours = LabTopology.exec(lab.b(), "ip", "neigh", "show")
                    .redirectErrorStream(true)
                    .start();
            String table = new String(neighbours.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(table)
                    .contains(java.util.HexFormat.ofDelimiter(":")
                            .formatHex(lab.a().mac()));
            assertThat(lab.bridge().aToB().forwarded()).isPositive();
            assertThat(lab.bridge().bToA().forwarded()).isPositive();
        } finally {
            lab.close();
        }
        assertThat(namespaces()).doesNotContain(prefix);
        lab.close(); // idempotent
        assertThatThrownBy(() -> lab.impair(Impairment.NONE, Impairment.NONE)).hasMessageContaining("closed");
    }

    @Test
    void aFailedStartLeavesNothingBehind() throws Exception {
        String prefix = LabTopology.uniquePrefix("lab");
        assertThatThrownBy(() -> LabTopology.builder(prefix)
                        .ipv4("198.18.0.1", "198.18.0.2/24")
                        .start())
                .hasMessageContaining("prefix length");
        assertThat(namespaces()).doesNotContain(prefix);
        assertThatThrownBy(() -> LabTopology.builder(prefix)
                        .ipv4("198.18.0.1/24", "not-an-address/24")
                        .start())
                .hasMessageContaining("not-an-address");
        assertThat(namespaces()).doesNotContain(prefix);
    }

    @Test
    void aJvmThatExitsWithoutClosingStillDeletesItsNamespaces() throws Exception {
        String prefix = LabTopology.uniquePrefix("lab");
        Process child = new ProcessBuilder(ChildJvm.command(LabWithoutClose.class, prefix))
                .redirectErrorStream(true)
                .start();
        try {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor()).as(output).isEqualTo(3);
            assertThat(output).contains("up " + prefix + "-m");
            assertThat(namespaces()).doesNotContain(prefix);
        } finally {
            child.destroyForcibly();
            for (String suffix : new String[] {"-a", "-m", "-b"}) {
                if (namespaces().contains(prefix + suffix)) {
                    exit(new ProcessBuilder("ip", "netns", "del", prefix + suffix));
                }
            }
        }
    }

    @Test
    void prefixMustMakeValidNamespaceNames() {
        assertThatThrownBy(() -> LabTopology.builder("has space")).hasMessageContaining("namespace prefix 'has space'");
        assertThatThrownBy(() -> LabTopology.builder("x".repeat(29))).hasMessageContaining("1 to 28");
    }
}
