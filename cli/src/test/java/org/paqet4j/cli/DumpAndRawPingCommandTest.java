package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.paqet4j.cli.PaqetCommandsTest.example;
import static org.paqet4j.cli.PaqetCommandsTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.PaqetCommandsTest.Result;

/** {@code paqet dump} and {@code paqet ping --raw} in-process: help and every argument they refuse before touching the network. */
class DumpAndRawPingCommandTest {

    @TempDir
    Path dir;

    @Test
    void dumpHelpExplainsTheTapAndShowsExamples() {
        Result r = run("dump", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith("Usage: paqet dump")
                .contains(
                        "-c, --config=FILE",
                        "-w, --write=FILE",
                        "-n, --count=N",
                        "--no-hex",
                        "installs no firewall rules",
                        "Examples:",
                        "  paqet dump -c server.yaml --write tunnel.pcap --no-hex");
    }

    @Test
    void pingHelpShowsRawAndPayload() {
        Result r = run("ping", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "--raw",
                        "--payload=TEXT",
                        "paqet ping -c client.yaml --raw -n 3 --payload hello",
                        "Nothing answers them.");
    }

    @Test
    void dumpRefusesANegativeCountAndUnknownOptions() {
        Result r = run("dump", "--count", "-1");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--count must be 0 (no limit) or more, got -1");
        assertThat(run("dump", "--hex-only").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("dump", "--count", "many").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void dumpReportsConfigurationProblemsWithTheirLines() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "role: server\nlisten:\n  addr: \":99999\"\n");
        Result r = run("dump", "-c", broken.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(broken + ":3: listen.addr");
    }

    @Test
    void dumpNeedsAFixedClientPort() throws IOException {
        Result r = run("dump", "-c", example(dir, "client.yaml.example").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("the client's tunnel port is chosen at random", "set a fixed port");
    }

    @Test
    void dumpRefusesTheUdpCarrier() throws IOException {
        Path udp = Files.writeString(
                dir.resolve("udp.yaml"),
                Files.readString(example(dir, "server.yaml.example"))
                        .replace("  interface: \"eth0\"", "  interface: \"eth0\"\n  carrier: udp"));
        Result r = run("dump", "-c", udp.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("carrier: udp, which has no raw TCP packets to capture");
    }

    @Test
    void dumpOnAMissingInterfaceFailsInOneLine() throws IOException {
        Path server = Files.writeString(
                dir.resolve("server.yaml"),
                Files.readString(example(dir, "server.yaml.example"))
                        .replace("  interface: \"eth0\"", "  interface: \"p4jnosuch0\""));
        Result r = run("dump", "-c", server.toString(), "--count", "1");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err()).startsWith("paqet dump: ").contains("p4jnosuch0").hasLineCount(1);
    }

    @Test
    void anUnwritablePcapFileFailsInOneLine() throws IOException {
        Path server = Files.writeString(
                dir.resolve("server.yaml"),
                Files.readString(example(dir, "server.yaml.example"))
                        .replace("  interface: \"eth0\"", "  interface: \"lo\""));
        Path pcap = dir.resolve("absent-dir").resolve("x.pcap");
        Result r = run("dump", "-c", server.toString(), "-w", pcap.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err())
                .startsWith("paqet dump: cannot write the pcap file " + pcap + ": ")
                .hasLineCount(1);
    }

    @Test
    void payloadNeedsRawAndMustNotBeEmpty() throws IOException {
        String client = example(dir, "client.yaml.example").toString();
        Result withoutRaw = run("ping", "-c", client, "--payload", "hello");
        assertThat(withoutRaw.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(withoutRaw.err()).contains("--payload needs --raw");
        Result empty = run("ping", "-c", client, "--raw", "--payload", "");
        assertThat(empty.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(empty.err()).contains("--payload must not be empty");
        Result zero = run("ping", "-c", client, "--raw", "-n", "0");
        assertThat(zero.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("--count must be at least 1, got 0");
    }

    @Test
    void rawPingNeedsAClientConfiguration() throws IOException {
        Result r = run("ping", "-c", example(dir, "server.yaml.example").toString(), "--raw");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("is a server configuration; ping needs a client one");
    }
}
