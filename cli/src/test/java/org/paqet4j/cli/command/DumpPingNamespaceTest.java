package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.AddressScan;
import org.paqet4j.cli.run.NamespaceProcesses;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet ping --raw} in a client namespace seen by {@code paqet dump} in a server namespace
 * (both child JVMs under {@code ip netns exec}, in a {@link NetnsPair}), and the pcap dump writes
 * read back by tshark.
 */
@NetnsTest
class DumpPingNamespaceTest {

    private static final int TUNNEL_PORT = 27_191;
    private static final int CLIENT_PORT = 27_192;
    private final NamespaceProcesses hosts = new NamespaceProcesses();
    private NetnsPair pair;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        hosts.close();
        if (pair != null) {
            pair.close();
        }
    }

    /** tshark's standard output (it warns about running as root on stderr). */
    private static String tshark(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", command, out).isZero();
        return out;
    }

    /**
     * Waits until the standard output {@code p} writes to {@code file} has {@code lines} lines (a
     * file, not a pipe: a pipe read while the process exits can lose its last lines).
     */
    private static List<String> awaitLines(Process p, Path file, int lines, Path errLog) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<String> now = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (now.size() >= lines) {
                return now;
            }
            if (!p.isAlive() && Files.readAllLines(file, StandardCharsets.UTF_8).size() < lines) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " has fewer than " + lines + " lines: " + Files.readString(file) + "; stderr: "
                + Files.readString(errLog));
    }

    @Test
    void rawPingsAreSeenByDumpAndItsPcapReadsInTshark() throws Exception {
        pair = NetnsPair.create("dp");
        pair.resolveNeighbours();
        String server = pair.a().namespace();
        String client = pair.b().namespace();
        String serverDev = pair.a().device();
        String clientDev = pair.b().device();
        String serverIp = pair.a().ipv4().getHostAddress();
        String clientIp = pair.b().ipv4().getHostAddress();
        String clientMac = HexFormat.ofDelimiter(":").formatHex(pair.b().mac());

        // The server's interface comes from its configuration; the client's from the kernel's route.
        Path serverYaml = Files.writeString(
                dir.resolve("server.yaml"), """
        role: server
        listen:
          addr: ":%d"
        network:
          interface: "%s"
          ipv4:
            addr: "%s:%d"
            router_mac: "%s"
        transport:
          protocol: kcp
          kcp:
            key: "dump test"
        """.formatted(TUNNEL_PORT, serverDev, serverIp, TUNNEL_PORT, clientMac));
        Path clientYaml = Files.writeString(
                dir.resolve("client.yaml"), """
        role: client
        socks5:
          - listen: "127.0.0.1:1080"
        network:
          ipv4:
            addr: "%s:%d"
          tcp:
            local_flag: ["PA", "A"]
        server:
          addr: "%s:%d"
        transport:
          protocol: kcp
          kcp:
            key: "dump test"
        """.formatted(clientIp, CLIENT_PORT, serverIp, TUNNEL_PORT));

        Path pcap = dir.resolve("x.pcap");
        Path dumpOut = dir.resolve("dump.out");
        Process dump = hosts.paqetIn(
                server,
                ProcessBuilder.Redirect.to(dumpOut.toFile()),
                dir.resolve("dump.err"),
                "dump",
                "-c",
                serverYaml.toString(),
                "--write",
                pcap.toString(),
                "--count",
                "4");
        assertThat(awaitLines(dump, dumpOut, 1, dir.resolve("dump.err")).getFirst())
                .isEqualTo("capturing tunnel port " + TUNNEL_PORT + " on " + serverDev + ", writing " + pcap
                        + " (no firewall rules installed)");

        Process ping = hosts.paqetIn(
                client,
                dir.resolve("ping.err"),
                "ping",
                "-c",
                clientYaml.toString(),
                "--raw",
                "--payload",
                "hello dump",
                "-n",
                "4",
                "-i",
                "50ms");
        String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ping.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ping.exitValue())
                .as("%s %s", pingOut, Files.readString(dir.resolve("ping.err")))
                .isZero();
        assertThat(pingOut)
                .startsWith("RAW PING " + serverIp + ":" + TUNNEL_PORT + " from raw TCP on " + clientDev + " from "
                        + clientIp + " port " + CLIENT_PORT + ": 4 packet(s) of 10 payload bytes")
                .contains("4 sent, 40 payload bytes");

        assertThat(dump.waitFor(30, TimeUnit.SECONDS))
                .as("dump stops after --count packets")
                .isTrue();
        assertThat(dump.exitValue())
                .as(Files.readString(dir.resolve("dump.err")))
                .isZero();
        List<String> out = Files.readAllLines(dumpOut, StandardCharsets.UTF_8);
        String prefix = clientIp + ":" + CLIENT_PORT + " → " + serverIp + ":" + TUNNEL_PORT;
        List<String> packets = out.stream().filter(l -> l.contains(" → ")).toList();
        assertThat(packets).as(String.join("\n", out)).hasSize(4);
        // The client's flag cycle PA, A, PA, A.
        for (int i = 0; i < 4; i++) {
            assertThat(packets.get(i))
                    .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} " + Pattern.quote(prefix) + " \\["
                            + (i % 2 == 0 ? "PA" : "A") + "\\] seq \\d+ ack \\d+ len 10");
        }
        assertThat(out)
                .filteredOn(l -> l.startsWith("00000000  68 65 6c 6c 6f 20 64 75  6d 70"))
                .hasSize(4)
                .allMatch(l -> l.endsWith("|hello dump|"));
        AddressScan.assertWrittenAsPeopleDo(Stream.of(
                        pingOut.lines().toList(),
                        out,
                        Files.readAllLines(dir.resolve("dump.err")),
                        Files.readAllLines(dir.resolve("ping.err")))
                .flatMap(List::stream)
                .toList());
        assertThat(out.getLast())
                .isEqualTo("--- 4 captured, 4 tunnel packets, 0 without payload, 0 bad "
                        + "(0 checksum, 0 truncated, 0 not TCP), 0 dropped by the kernel ---");

        assertThat(tshark(
                                "-r",
                                pcap.toString(),
                                "-T",
                                "fields",
                                "-e",
                                "tcp.dstport",
                                "-e",
                                "tcp.flags.str",
                                "-e",
                                "data.len")
                        .lines()
                        .toList())
                .containsExactly(
                        TUNNEL_PORT + "\t·······AP···\t10",
                        TUNNEL_PORT + "\t·······A····\t10",
                        TUNNEL_PORT + "\t·······AP···\t10",
                        TUNNEL_PORT + "\t·······A····\t10");
        assertThat(tshark("-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-Y", "tcp.checksum.status==2"))
                .as("no bad checksums")
                .isBlank();
        assertThat(tshark("-r", pcap.toString(), "-o", "tcp.check_checksum:TRUE", "-Y", "tcp.checksum.status==1")
                        .lines()
                        .count())
                .as("all checksums verified good")
                .isEqualTo(4);

        // Without --count: runs until SIGTERM, then prints the summary and leaves a complete pcap.
        Path untilStopped = dir.resolve("y.pcap");
        Path dump2Out = dir.resolve("dump2.out");
        Process dump2 = hosts.paqetIn(
                server,
                ProcessBuilder.Redirect.to(dump2Out.toFile()),
                dir.resolve("dump2.err"),
                "dump",
                "-c",
                serverYaml.toString(),
                "-w",
                untilStopped.toString(),
                "--no-hex");
        assertThat(awaitLines(dump2, dump2Out, 1, dir.resolve("dump2.err")).getFirst())
                .startsWith("capturing tunnel port " + TUNNEL_PORT);
        Process ping2 = hosts.paqetIn(
                client, dir.resolve("ping2.err"), "ping", "-c", clientYaml.toString(), "--raw", "-n", "2");
        assertThat(ping2.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ping2.exitValue()).isZero();
        List<String> seen =
                awaitLines(dump2, dump2Out, 3, dir.resolve("dump2.err")).subList(1, 3);
        assertThat(seen).allMatch(l -> l.contains(prefix) && l.endsWith(" len 4"));
        dump2.destroy(); // SIGTERM
        assertThat(dump2.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(dump2.exitValue())
                .as(Files.readString(dir.resolve("dump2.err")))
                .isZero();
        List<String> rest = Files.readAllLines(dump2Out, StandardCharsets.UTF_8);
        assertThat(rest)
                .as("stderr: %s", Files.readString(dir.resolve("dump2.err")))
                .hasSize(4)
                .last()
                .asString()
                .startsWith("--- 2 captured, 2 tunnel packets,");
        assertThat(tshark("-r", untilStopped.toString(), "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport")
                        .lines()
                        .toList())
                .containsExactly(CLIENT_PORT + "\t" + TUNNEL_PORT, CLIENT_PORT + "\t" + TUNNEL_PORT);

        // A client's tap: its fixed port, on the interface of the kernel's route to its server. The
        // packet comes from a client configuration in the server's namespace aimed at that port.
        Path clientDumpOut = dir.resolve("client-dump.out");
        Process clientDump = hosts.paqetIn(
                client,
                ProcessBuilder.Redirect.to(clientDumpOut.toFile()),
                dir.resolve("client-dump.err"),
                "dump",
                "-c",
                clientYaml.toString(),
                "-n",
                "1",
                "--no-hex");
        assertThat(awaitLines(clientDump, clientDumpOut, 1, dir.resolve("client-dump.err"))
                        .getFirst())
                .isEqualTo(
                        "capturing tunnel port " + CLIENT_PORT + " on " + clientDev + " (no firewall rules installed)");
        Path towardsClient = Files.writeString(
                dir.resolve("towards-client.yaml"), """
        role: client
        socks5:
          - listen: "127.0.0.1:1080"
        network:
          ipv4:
            addr: "%s:%d"
        server:
          addr: "%s:%d"
        transport:
          protocol: kcp
          kcp:
            key: "dump test"
        """.formatted(serverIp, TUNNEL_PORT + 10, clientIp, CLIENT_PORT));
        Process ping3 = hosts.paqetIn(
                server, dir.resolve("ping3.err"), "ping", "-c", towardsClient.toString(), "--raw", "-n", "1");
        assertThat(ping3.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ping3.exitValue())
                .as(Files.readString(dir.resolve("ping3.err")))
                .isZero();
        assertThat(clientDump.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(clientDumpOut, StandardCharsets.UTF_8))
                .hasSize(3)
                .element(1)
                .asString()
                .contains(serverIp + ":" + (TUNNEL_PORT + 10) + " → " + clientIp + ":" + CLIENT_PORT + " [PA]")
                .endsWith(" len 4");
    }
}
