package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paqet follow} in-process on small captures written here. */
class FollowCommandTest {

    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;

    @TempDir
    Path dir;

    /** A classic little-endian pcap (raw IP) of one connection with a hole its peer ACKs. */
    private Path capture() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xA1B2C3D4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65535)
                .putInt(101);
        out.writeBytes(header.array());
        byte[] c = {10, 0, 0, 1};
        byte[] s = {10, 0, 0, 2};
        packet(out, c, 40000, s, 8000, 100, 0, SYN, "");
        packet(out, s, 8000, c, 40000, 900, 101, SYN | ACK, "");
        packet(out, c, 40000, s, 8000, 101, 901, ACK | PSH, "GET /");
        packet(out, c, 40000, s, 8000, 110, 901, ACK | PSH, "tail");
        packet(out, s, 8000, c, 40000, 901, 114, ACK | PSH, "ok\n");
        packet(out, c, 40000, s, 8000, 114, 904, ACK | FIN, "");
        return Files.write(dir.resolve("one.pcap"), out.toByteArray());
    }

    private static void packet(
            ByteArrayOutputStream out,
            byte[] src,
            int sport,
            byte[] dst,
            int dport,
            int seq,
            int ack,
            int flags,
            String data) {
        byte[] payload = data.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer ip = ByteBuffer.allocate(40 + payload.length);
        ip.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (40 + payload.length))
                .putInt(0)
                .put((byte) 64)
                .put((byte) 6)
                .putShort((short) 0)
                .put(src)
                .put(dst)
                .putShort((short) sport)
                .putShort((short) dport)
                .putInt(seq)
                .putInt(ack)
                .put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) 65535)
                .putInt(0)
                .put(payload);
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(1).putInt(0).putInt(ip.capacity()).putInt(ip.capacity());
        out.writeBytes(record.array());
        out.writeBytes(ip.array());
    }

    @Test
    void jsonlIsOneObjectPerStreamInTheDocumentedShape() throws IOException {
        PaqetCommandsTest.Result r =
                PaqetCommandsTest.run("follow", "-r", capture().toString(), "--format", "jsonl");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .isEqualTo("{\"stream\": 0, \"node0\": \"10.0.0.1:40000\", \"node1\": \"10.0.0.2:8000\", "
                        + "\"dir0\": [{\"data\": \"474554202f\"}, {\"gap\": 4}, {\"data\": \"7461696c\"}], "
                        + "\"dir1\": [{\"data\": \"6f6b0a\"}], \"end\": \"fin\"}\n");
        assertThat(r.err()).contains("6 frames: 6 TCP segments", "1 streams, 1 gaps (4 bytes)");
        for (String threads : new String[] {"1", "4"}) {
            PaqetCommandsTest.Result t = PaqetCommandsTest.run(
                    "follow", "-r", capture().toString(), "--format", "jsonl", "--threads", threads);
            assertThat(t.code()).isZero();
            assertThat(t.out()).as("--threads %s", threads).isEqualTo(r.out());
            assertThat(t.err()).contains("6 frames: 6 TCP segments", "1 streams, 1 gaps (4 bytes)");
        }
    }

    /** On the process's standard output the streams go to its bytes, not through a character writer. */
    @Test
    void standardOutputGetsTheSameBytesWithoutTheWriter() throws IOException {
        Path file = capture();
        for (String format : new String[] {"jsonl", "text"}) {
            String viaWriter = PaqetCommandsTest.run("follow", "-r", file.toString(), "--format", format)
                    .out();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteStreamWriter out = new ByteStreamWriter(bytes, StandardCharsets.UTF_8);
            out.print("before ");
            int code = Paqet.commandLine(out, new PrintWriter(new StringWriter(), true))
                    .execute("follow", "-r", file.toString(), "--format", format);
            out.print("after");
            out.flush();
            assertThat(code).isZero();
            assertThat(bytes.toString(StandardCharsets.UTF_8)).as(format).isEqualTo("before " + viaWriter + "after");
        }
    }

    @Test
    void textEqualsTsharksAsciiFollow() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is installed by scripts/install-test-deps");
        Path file = capture();
        PaqetCommandsTest.Result r = PaqetCommandsTest.run("follow", "-r", file.toString(), "--stream", "0");
        Process tshark = new ProcessBuilder("tshark", "-n", "-r", file.toString(), "-q", "-z", "follow,tcp,ascii,0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String expected = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(tshark.waitFor()).isZero();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("[4 bytes missing in capture file]").isEqualTo(expected);
    }

    @Test
    void aTruncatedCaptureExitsTwoWithTheByteOffset() throws IOException {
        byte[] whole = Files.readAllBytes(capture());
        Path cut = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(whole, 24 + 16 + 10));
        PaqetCommandsTest.Result r = PaqetCommandsTest.run("follow", "-r", cut.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("at byte 50: file ends inside the packet data of frame 1 (10 of 40 bytes)");
        for (String threads : new String[] {"1", "4"}) {
            PaqetCommandsTest.Result t = PaqetCommandsTest.run("follow", "-r", cut.toString(), "--threads", threads);
            assertThat(t.code()).as("--threads %s", threads).isEqualTo(ExitCodes.USAGE);
            assertThat(t.err()).contains("at byte 50: file ends inside the packet data of frame 1");
        }

        Path garbage =
                Files.write(dir.resolve("garbage.pcap"), "not a capture file".getBytes(StandardCharsets.US_ASCII));
        PaqetCommandsTest.Result g = PaqetCommandsTest.run("follow", "-r", garbage.toString());
        assertThat(g.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(g.err()).contains("at byte 0: magic 0x6e6f7420 is neither pcap nor pcapng");
    }

    @Test
    void badOptionsAreUsageErrors() throws IOException {
        Path file = capture();
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--format", "xml")
                        .err())
                .contains("--format must be text or jsonl, got 'xml'");
        PaqetCommandsTest.Result policy = PaqetCommandsTest.run("follow", "-r", file.toString(), "--policy", "vista");
        assertThat(policy.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(policy.err()).contains("--policy must be bsd, first, last, linux, windows or solaris, got 'vista'");
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--policy", "windows")
                        .code())
                .isZero();
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--hold", "1K")
                        .code())
                .isZero();
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--memory", "1K")
                        .err())
                .contains("--memory: memoryBudget must be at least 262144 bytes, got 1024");
        assertThat(PaqetCommandsTest.run(
                                "follow", "-r", dir.resolve("absent.pcap").toString())
                        .code())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void liveCaptureOptionsAreCheckedBeforeAnythingIsOpened() throws IOException {
        Path file = capture();
        PaqetCommandsTest.Result both = PaqetCommandsTest.run("follow", "-r", file.toString(), "-i", "lo");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("give either -r FILE or -i IFACE");
        assertThat(PaqetCommandsTest.run("follow").err()).contains("give either -r FILE or -i IFACE");
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--filter", "port 80")
                        .err())
                .contains("--filter works with -i only");
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--threads", "17")
                        .err())
                .contains("--threads must be between 1 and 16, got 17");
        PaqetCommandsTest.Result filter =
                PaqetCommandsTest.run("follow", "-i", "lo", "--filter", "host 10.0.0.1 and port 99999");
        assertThat(filter.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(filter.err())
                .contains("--filter 'host 10.0.0.1 and port 99999': column 24: expected a port number 0-65535,"
                        + " got '99999'");
        assertThat(PaqetCommandsTest.run("follow", "-i", "lo", "--threads", "0").err())
                .contains("--threads must be between 1 and 16, got 0");
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--linger", "soon")
                        .code())
                .isEqualTo(ExitCodes.USAGE);
        // --linger 0s keeps closed streams to the end: the same output for this capture
        assertThat(PaqetCommandsTest.run("follow", "-r", file.toString(), "--linger", "0s")
                        .out())
                .isEqualTo(
                        PaqetCommandsTest.run("follow", "-r", file.toString()).out());
    }

    @Test
    void writeDirGetsOneFilePerDirection() throws IOException {
        Path out = Files.createDirectory(dir.resolve("out"));
        PaqetCommandsTest.Result r = PaqetCommandsTest.run(
                "follow", "-r", capture().toString(), "--format", "jsonl", "--write-dir", out.toString());
        assertThat(r.code()).isZero();
        assertThat(Files.readString(out.resolve("stream-0-dir0.bin"))).isEqualTo("GET /tail");
        assertThat(Files.readString(out.resolve("stream-0-dir1.bin"))).isEqualTo("ok\n");
        assertThat(PaqetCommandsTest.run(
                                "follow",
                                "-r",
                                capture().toString(),
                                "--write-dir",
                                dir.resolve("none").toString())
                        .err())
                .contains("--write-dir: ")
                .contains("is not a directory");
    }

    /** Two conflicting queued copies and a filler: BSD gives xyCCAA, FIRST xyAAAA, LAST xyCCBA. */
    private Path conflicts() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xA1B2C3D4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65535)
                .putInt(101);
        out.writeBytes(header.array());
        byte[] c = {10, 0, 0, 1};
        byte[] s = {10, 0, 0, 2};
        packet(out, c, 40000, s, 8000, 100, 0, SYN, "");
        packet(out, c, 40000, s, 8000, 103, 1, ACK, "AAAA");
        packet(out, c, 40000, s, 8000, 104, 1, ACK, "BB");
        packet(out, c, 40000, s, 8000, 101, 1, ACK, "xyCC");
        return Files.write(dir.resolve("conflicts.pcap"), out.toByteArray());
    }

    @Test
    void policiesAndHostPoliciesDecideConflicts() throws IOException {
        String file = conflicts().toString();
        String hex = "{\"data\": \"%s\"}";
        assertThat(PaqetCommandsTest.run("follow", "-r", file, "--format", "jsonl")
                        .out())
                .contains(hex.formatted("787943434141"));
        assertThat(PaqetCommandsTest.run("follow", "-r", file, "--format", "jsonl", "--policy", "first")
                        .out())
                .contains(hex.formatted("787941414141"));
        assertThat(PaqetCommandsTest.run("follow", "-r", file, "--format", "jsonl", "--policy", "last")
                        .out())
                .contains(hex.formatted("787943434241"));
        // data goes to 10.0.0.2: its rule applies, the other one does not
        assertThat(PaqetCommandsTest.run(
                                "follow",
                                "-r",
                                file,
                                "--format",
                                "jsonl",
                                "--host-policy",
                                "10.0.0.1=first",
                                "--host-policy",
                                "10.0.0.0/24=last")
                        .out())
                .contains(hex.formatted("787943434241"));
        PaqetCommandsTest.Result bad = PaqetCommandsTest.run("follow", "-r", file, "--host-policy", "10.0.0.0/24=aix");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err())
                .contains(
                        "--host-policy '10.0.0.0/24=aix': policy must be bsd, first, last, linux, windows or solaris");
    }
}
