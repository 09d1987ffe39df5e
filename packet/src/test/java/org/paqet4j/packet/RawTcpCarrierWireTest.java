package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.packet.wire.TcpFlags;

/**
 * What the wire sees, judged by tools that are not ours: tshark validates both checksums the way
 * the kernel computes them, and shows the flags, ports and header fields paqet uses.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class RawTcpCarrierWireTest {

    private static final int PORT_A = 41_001;
    private static final int PORT_B = 41_002;
    private static NetnsPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void createNamespaces() throws Exception {
        pair = NetnsPair.create("pw");
        pair.resolveNeighbours(); // RAW_IP mode: packets wait in a short queue while a neighbour is resolved
    }

    @AfterAll
    static void deleteNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    @ParameterizedTest
    @EnumSource(SendMode.class)
    void tsharkSeesCorrectChecksumsConfiguredFlagsAndPaqetHeaders(SendMode mode) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        Path capture = dir.resolve("wire-" + mode + ".pcap");
        short[] flags = {TcpFlags.parse("S"), TcpFlags.parse("PA"), TcpFlags.parse("A"), TcpFlags.parse("FPAN")};
        int[] sizes = {1, 2, 3, 100, 1000, 1420}; // 1420 = IPv6 MTU limit with SYN options
        int expected = 2 * sizes.length * flags.length;
        Process tcpdump = startCapture(b, capture, expected, "tcp src port " + PORT_A);
        try (RawTcpCarrier sender = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), PORT_A)
                .ipv4(a.ipv4(), b.mac())
                .ipv6(a.ipv6(), b.mac())
                .localFlags(flags)
                .sendMode(mode)
                .build()))) {
            for (InetSocketAddress to :
                    List.of(new InetSocketAddress(b.ipv4(), PORT_B), new InetSocketAddress(b.ipv6(), PORT_B))) {
                for (int size : sizes) {
                    for (int i = 0; i < flags.length; i++) {
                        sender.send(ByteBuffer.allocate(size), to);
                    }
                }
            }
        } finally {
            stopCapture(tcpdump);
        }
        List<String> lines = tshark(
                capture,
                "ip.version",
                "ip.checksum.status",
                "tcp.checksum.status",
                "tcp.flags",
                "tcp.srcport",
                "tcp.dstport",
                "tcp.len",
                "ip.dsfield",
                "ip.ttl",
                "ip.flags.df",
                "ipv6.tclass",
                "ipv6.hlim",
                "tcp.options.mss_val",
                "tcp.options.wscale.shift",
                "tcp.window_size_value");
        assertThat(lines).hasSize(expected);
        int synCount = 0;
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            boolean v4 = f[0].equals("4");
            if (v4) {
                assertThat(f[1])
                        .as("IPv4 header checksum status (1 = good): %s", line)
                        .isEqualTo("1");
                assertThat(f[7]).as("TOS").isIn("0xb8", "184");
                assertThat(f[8]).as("TTL").isEqualTo("64");
                assertThat(f[9]).as("DF").isIn("1", "True");
            } else {
                assertThat(f[10]).as("traffic class").isIn("0xb8", "0x000000b8", "184");
                assertThat(f[11]).as("hop limit").isEqualTo("64");
            }
            assertThat(f[2]).as("TCP checksum status (1 = good): %s", line).isEqualTo("1");
            assertThat(f[4]).isEqualTo(String.valueOf(PORT_A));
            assertThat(f[5]).isEqualTo(String.valueOf(PORT_B));
            assertThat(f[14]).isEqualTo("65535");
            int shown = Integer.decode(f[3]);
            if ((shown & TcpFlags.SYN) != 0) {
                synCount++;
                assertThat(shown).isEqualTo(flags[0]);
                assertThat(f[12]).as("MSS").isEqualTo("1460");
                assertThat(f[13]).as("window scale").isEqualTo("8");
            } else {
                assertThat(shown).isIn((int) flags[1], (int) flags[2], (int) flags[3]);
            }
        }
        assertThat(synCount).isEqualTo(2 * sizes.length);
        String verbose = NetnsPair.run("tcpdump", "-nn", "-vv", "-r", capture.toString());
        assertThat(verbose).doesNotContain("incorrect").contains("(correct)");
    }

    /** Starts tcpdump in {@code side}'s namespace; it exits by itself after {@code count} packets. */
    static Process startCapture(NetnsPair.Side side, Path file, int count, String filter)
            throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        // snap length 2048: tcpdump's ring slots are snap-length sized, and with the default 262144
        // its 2 MiB ring holds about 8 packets; the rest are "dropped by kernel" on a busy machine
        Process tcpdump = NetnsPair.exec(
                        side,
                        "tcpdump",
                        "-Z",
                        "root",
                        "--immediate-mode",
                        "-s",
                        "2048",
                        "-B",
                        "8192",
                        "-i",
                        side.device(),
                        "-nn",
                        "-U",
                        "-c",
                        String.valueOf(count),
                        "-w",
                        file.toString(),
                        filter)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(log) || !Files.readString(log).contains("listening on")) {
            if (System.nanoTime() > deadline || !tcpdump.isAlive()) {
                tcpdump.destroyForcibly();
                throw new IOException("tcpdump did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(20);
        }
        return tcpdump;
    }

    /** Waits (bounded: the machine may be busy) for tcpdump to take all its packets, then stops it. */
    static void stopCapture(Process tcpdump) throws InterruptedException {
        if (!tcpdump.waitFor(15, TimeUnit.SECONDS)) {
            tcpdump.destroy();
        }
        if (!tcpdump.waitFor(5, TimeUnit.SECONDS)) {
            tcpdump.destroyForcibly().waitFor();
        }
    }

    static List<String> tshark(Path capture, String... fields) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "tshark",
                "-n",
                "-r",
                capture.toString(),
                "-o",
                "tcp.check_checksum:TRUE",
                "-o",
                "ip.check_checksum:TRUE",
                "-T",
                "fields"));
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("tshark exit").isZero();
        return output.lines().filter(l -> !l.isBlank()).toList();
    }
}
