package org.paqet4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.AddressScan;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet demo} as a real process (root: namespaces and the raw carrier): a small download
 * passes the hash check and exits 0, also with loss and delay through the impairment bridge, and
 * SIGINT or SIGTERM in the middle of a download also cleans up. After
 * either, no namespace of the demo, no process started by it and no new paqet4j firewall rule in
 * this namespace may be left.
 */
@NetnsTest
class DemoProcessTest {
    private static final Pattern NAMESPACE = Pattern.compile("between namespaces p4j-demo-([0-9a-f]{6})-[sb] ");
    private static final Pattern DROPPED =
            Pattern.compile("(client->server|server->client) (\\d+) frames: (\\d+) dropped, " + "(\\d+) delayed");

    private Process demo;
    private List<String> firewallBefore;

    @BeforeEach
    void needsRoot() throws Exception {
        assumeTrue(EffectiveUser.isRoot(), "needs root for network namespaces");
        firewallBefore = paqetFirewallRules();
    }

    @AfterEach
    void killDemo() {
        if (demo != null) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    /** The demo's output, read as it comes (the progress bar uses carriage returns, not lines). */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();

        Output(Process p) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Reader r = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)) {
                    char[] buffer = new char[4096];
                    int n;
                    while ((n = r.read(buffer)) >= 0) {
                        synchronized (text) {
                            text.append(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    // the demo ended
                }
            });
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }

        boolean awaitContains(String wanted, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (text().contains(wanted)) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        }
    }

    private Output startDemo(Path errors, String... args) throws IOException {
        return startDemo(List.of(), errors, args);
    }

    private Output startDemo(List<String> prefix, Path errors, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "org.paqet4j.cli.Paqet",
                "demo"));
        command.addAll(List.of(args));
        demo = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        return new Output(demo);
    }

    @Test
    void smallDownloadPassesTheHashCheckAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        Output out = startDemo(dir.resolve("demo.err"), "--size", "4M");
        assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                .as("demo finished; output:\n%s", out.text())
                .isTrue();
        String text = out.text();
        assertThat(demo.exitValue())
                .as("exit code; output:\n%s\nstderr:\n%s", text, Files.readString(dir.resolve("demo.err")))
                .isZero();
        assertThat(text)
                .contains("sha-256:    OK, downloaded = served = ")
                .contains("size:       4194304 bytes (4.0 MiB)")
                .containsPattern("throughput: [0-9.]+ Mbit/s")
                .containsPattern("tunnel rtt: min/avg/max [0-9.]+/[0-9.]+/[0-9.]+ ms")
                .contains("removed: namespaces, veth pair, processes, temporary files");
        AddressScan.assertWrittenAsPeopleDo(
                java.util.stream.Stream.concat(text.lines(), Files.readAllLines(dir.resolve("demo.err")).stream())
                        .toList());
        assertNothingLeft(text);
    }

    /**
     * A fresh machine has neither nft nor iptables: the demo runs in a mount namespace where every
     * firewall binary is /bin/false (checked before the JVM starts), so the raw carriers' rules can
     * only come from nf_tables over netlink.
     */
    @Test
    void rawCarrierDemoPassesWithoutAnyFirewallBinary(@TempDir Path dir) throws Exception {
        StringBuilder script = new StringBuilder("set -e\n");
        for (String binary : List.of(
                "nft",
                "iptables",
                "ip6tables",
                "iptables-legacy",
                "ip6tables-legacy",
                "iptables-nft",
                "ip6tables-nft",
                "iptables-save",
                "ip6tables-save")) {
            script.append("p=$(command -v ")
                    .append(binary)
                    .append(" || true); [ -z \"$p\" ] || mount --bind /bin/false \"$p\"\n");
        }
        script.append("if nft list tables >/dev/null 2>&1 || iptables -t raw -S >/dev/null 2>&1; then "
                + "echo 'firewall binaries still work' >&2; exit 97; fi\nexec \"$@\"\n");
        Output out = startDemo(
                List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script.toString(), "demo"),
                dir.resolve("demo.err"),
                "--size",
                "2M");
        assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                .as("demo finished; output:\n%s", out.text())
                .isTrue();
        assertThat(demo.exitValue())
                .as("exit code; output:\n%s\nstderr:\n%s", out.text(), Files.readString(dir.resolve("demo.err")))
                .isZero();
        assertThat(out.text()).contains("sha-256:    OK, downloaded = served = ");
        assertNothingLeft(out.text());
    }

    @Test
    void udpCarrierBetweenNamespacesAlsoPassesAndCleansUp(@TempDir Path dir) throws Exception {
        Output out = startDemo(dir.resolve("demo.err"), "--size", "2M", "--carrier", "udp");
        assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                .as("demo finished; output:\n%s", out.text())
                .isTrue();
        assertThat(demo.exitValue())
                .as("exit code; output:\n%s\nstderr:\n%s", out.text(), Files.readString(dir.resolve("demo.err")))
                .isZero();
        assertThat(out.text())
                .contains("paqet demo: UDP carrier between namespaces")
                .contains("(UDP, cipher aes)")
                .contains("sha-256:    OK, downloaded = served = ");
        assertNothingLeft(out.text());
    }

    @Test
    void lossAndDelayGoThroughTheImpairmentBridgeAndLeaveNothingBehind(@TempDir Path dir) throws Exception {
        Output out = startDemo(dir.resolve("demo.err"), "--size", "4M", "--loss", "2", "--delay", "10ms");
        assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                .as("demo finished; output:\n%s", out.text())
                .isTrue();
        String text = out.text();
        assertThat(demo.exitValue())
                .as("exit code; output:\n%s\nstderr:\n%s", text, Files.readString(dir.resolve("demo.err")))
                .isZero();
        assertThat(text)
                .containsPattern("between namespaces p4j-demo-[0-9a-f]{6}-b \\(server 198\\.18\\.0\\.1\\) and "
                        + "p4j-demo-[0-9a-f]{6}-a \\(client 198\\.18\\.0\\.2\\)")
                .containsPattern("impairment: loss 2%, delay 10 ms, each way, by a userspace bridge in "
                        + "p4j-demo-[0-9a-f]{6}-m")
                .contains("sha-256:    OK, downloaded = served = ")
                .contains("size:       4194304 bytes (4.0 MiB)")
                // 2 x 10 ms of delay are in every round trip
                .containsPattern("tunnel rtt: min/avg/max (2[0-9]|[3-9][0-9]|[1-9][0-9]{2,})\\.[0-9]+/")
                .contains("removed: namespaces, veth pairs, impairment bridge, processes, temporary files");
        Matcher m = DROPPED.matcher(text);
        long droppedTowardsClient = -1;
        int directions = 0;
        while (m.find()) {
            directions++;
            long frames = Long.parseLong(m.group(2));
            assertThat(Long.parseLong(m.group(4)))
                    .as("%s: every frame waited its 10 ms", m.group(1))
                    .isGreaterThan(frames / 2);
            if (m.group(1).equals("server->client")) {
                droppedTowardsClient = Long.parseLong(m.group(3));
                // 4 MiB are about 3200 data frames: 2 % of them are dozens, far from zero and from all
                assertThat(droppedTowardsClient)
                        .as("frames dropped towards the client of %d", frames)
                        .isBetween(10L, frames / 10);
            }
        }
        assertThat(directions)
                .as("bridge counters for both directions; output:\n%s", text)
                .isEqualTo(2);
        assertThat(droppedTowardsClient).isPositive();
        assertNothingLeft(text);
    }

    @Test
    void sigintDuringTheDownloadLeavesNothingBehind(@TempDir Path dir) throws Exception {
        // SIGINT follows the first progress report (after 100 ms of download): far from the end of 256 MiB.
        Output out = startDemo(dir.resolve("demo.err"), "--size", "256M");
        assertThat(out.awaitContains("%  ", 60))
                .as("a progress bar; output:\n%s\nstderr:\n%s", out.text(), Files.readString(dir.resolve("demo.err")))
                .isTrue();
        assertThat(demo.isAlive()).isTrue();
        Commands.onHost().check("kill", "-INT", Long.toString(demo.pid()));
        assertThat(demo.waitFor(40, TimeUnit.SECONDS))
                .as("demo stopped after SIGINT")
                .isTrue();
        assertThat(Files.readString(dir.resolve("demo.err"))).contains("stopped, removing what the demo made");
        assertThat(out.text()).doesNotContain("sha-256:");
        assertNothingLeft(out.text());
    }

    @Test
    void sigtermDuringAnImpairedDownloadRemovesTheBridgeAndEverythingElse(@TempDir Path dir) throws Exception {
        Output out = startDemo(
                dir.resolve("demo.err"),
                "--size",
                "256M",
                "--loss",
                "1",
                "--delay",
                "5ms",
                "--reorder",
                "1",
                "--duplicate",
                "1");
        assertThat(out.awaitContains("%  ", 60))
                .as("a progress bar; output:\n%s\nstderr:\n%s", out.text(), Files.readString(dir.resolve("demo.err")))
                .isTrue();
        assertThat(out.text())
                .containsPattern("impairment: loss 1%, delay 5 ms, reorder 1%, duplicate 1%, each way, by a "
                        + "userspace bridge in p4j-demo-[0-9a-f]{6}-m");
        Commands.onHost().check("kill", "-TERM", Long.toString(demo.pid()));
        assertThat(demo.waitFor(40, TimeUnit.SECONDS))
                .as("demo stopped after SIGTERM")
                .isTrue();
        assertThat(Files.readString(dir.resolve("demo.err"))).contains("stopped, removing what the demo made");
        assertThat(out.text()).doesNotContain("sha-256:");
        assertNothingLeft(out.text());
    }

    private void assertNothingLeft(String output) throws Exception {
        Matcher m = NAMESPACE.matcher(output);
        assertThat(m.find())
                .as("the demo names its namespaces; output:\n%s", output)
                .isTrue();
        String id = m.group(1);
        assertThat(Commands.onHost().check("ip", "netns", "list")).doesNotContain("p4j-demo-" + id);
        assertThat(processesMentioning("demo-" + id))
                .as("processes of the demo")
                .isEmpty();
        assertThat(demo.descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
        assertThat(paqetFirewallRules())
                .as("paqet4j firewall rules in this namespace")
                .allMatch(firewallBefore::contains);
    }

    /** Live processes whose command line contains {@code marker} (every child of the demo names its directory or file). */
    private static List<String> processesMentioning(String marker) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (cmd.contains(marker)) {
                        found.add(p.getFileName() + ": " + cmd);
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }

    /** paqet4j's nftables tables and tagged iptables rules in this (the host's) namespace. */
    private static List<String> paqetFirewallRules() {
        List<String> rules = new ArrayList<>();
        for (String[] command : new String[][] {{"nft", "list", "tables"}, {"iptables-save"}, {"ip6tables-save"}}) {
            try {
                Commands.onHost()
                        .check(command)
                        .lines()
                        .filter(l -> l.contains("paqet4j"))
                        .forEach(rules::add);
            } catch (IOException e) {
                // that tool is not installed here
            }
        }
        return rules;
    }
}
