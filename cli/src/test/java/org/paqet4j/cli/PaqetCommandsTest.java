package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.EffectiveConfigWriter;

/** The command tree in-process: help, exit codes, secret, version, run --check. */
class PaqetCommandsTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Paqet.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Path example(Path dir, String name) throws IOException {
        try (InputStream in = PaqetCommandsTest.class.getResourceAsStream("/paqet-examples/" + name)) {
            return Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    @Test
    void helpListsOnlyTheCommandsThatExist() {
        Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Examples:", "Exit codes:");
        // Every command the help lists is one that runs, and every command is listed.
        String commands =
                r.out().substring(r.out().indexOf("Commands:"), r.out().indexOf("Examples:"));
        List<String> listed = commands.lines()
                .filter(line -> line.matches("  [a-z][a-z-]* .*"))
                .map(line -> line.trim().split(" ")[0])
                .toList();
        assertThat(listed)
                .containsExactlyInAnyOrder(
                        "run",
                        "kcptun",
                        "ping",
                        "status",
                        "dump",
                        "follow",
                        "grpc-bridge",
                        "demo",
                        "secret",
                        "iface",
                        "version",
                        "help");
        for (String command : listed) {
            assertThat(run(command, "--help").code())
                    .as("paqet %s --help", command)
                    .isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "ping", "dump", "follow", "demo", "secret", "iface", "version"})
    void everyCommandHasHelpWithExamples(String command) {
        Result r = run(command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Usage: paqet " + command).contains("Examples:", "  paqet " + command);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("frobnicate").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run("secret", "--length", "3").code()).isEqualTo(ExitCodes.USAGE);
        Result absent = run("run", "-c", "absent-client.yaml");
        assertThat(absent.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(absent.err()).contains("nothing was started");
        assertThat(run("run", "--check", "--log-level", "loud").err())
                .contains("'loud' is not a log level (none, debug, info, warn, error, fatal)");
    }

    /** A command that fails at run time, to see how any command's failure is reported. */
    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            throw new IOException("raw socket: Operation not permitted");
        }
    }

    @Test
    void runtimeFailuresAreOneLineAndExitOne() {
        StringWriter err = new StringWriter();
        picocli.CommandLine cli =
                Paqet.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        cli.addSubcommand(new Boom());
        assertThat(cli.execute("boom")).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString())
                .isEqualTo("paqet boom: raw socket: Operation not permitted" + System.lineSeparator());
    }

    @Test
    void secretIs32RandomBytesInHex() {
        Result a = run("secret");
        Result b = run("secret");
        assertThat(a.code()).isZero();
        assertThat(a.out().strip()).matches("[0-9a-f]{64}");
        assertThat(a.out()).isNotEqualTo(b.out());
    }

    @Test
    void versionNamesBuildAndRuntime() {
        Result r = run("version");
        assertThat(r.code()).isZero();
        BuildInfo build = BuildInfo.current();
        assertThat(build.version()).isNotEqualTo("unknown");
        assertThat(r.out())
                .contains(
                        "Version:    " + build.version(),
                        "Git Commit: " + build.commit(),
                        "Build Time: " + build.time(),
                        "Packaging:  jar",
                        "Java:       " + System.getProperty("java.version"),
                        "Platform:   linux/");
        assertThat(run("--version").out()).isEqualTo(r.out());
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithSecretsHidden(@TempDir Path dir) throws Exception {
        Path file = example(dir, "client.yaml.example");
        Result r = run("run", "--check", "-c", file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith("# effective configuration of " + file)
                .contains("rcvwnd: 4096", "key: \"" + EffectiveConfigWriter.REDACTED + "\"")
                .doesNotContain("your-secret-key-here");
        assertThat(r.err()).contains(file + ": the configuration is valid");

        Result shown = run("run", "--check", "--show-secrets", "-c", file.toString());
        assertThat(ConfigLoader.parse("out.yaml", shown.out()).config())
                .isEqualTo(ConfigLoader.load(file).config());
    }

    @Test
    void checkReportsEveryProblemAndExitsWithTwo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
        role: client
        network:
          ipv4: {addr: "192.168.1.100:0", router_mac: "zz:11:22:33:44:55"}
        server: {addr: "10.0.0.100:9999"}
        transport:
          kcp: {key: k, sndwdn: 1024}
        """);
        Result r = run("run", "--check", "-c", file.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .contains(
                        file
                                + ":3: network.ipv4.router_mac: \"zz:11:22:33:44:55\" is not a MAC address (aa:bb:cc:dd:ee:ff)",
                        file + ":6: transport.kcp.sndwdn: unknown key; did you mean sndwnd?",
                        "paqet: 2 problems in " + file + "; nothing was started");
    }

    @Test
    void warningsGoToStandardError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("w.yaml"), """
        role: client
        network: {ipv4: {addr: "192.168.1.100:0"}}
        server: {addr: "10.0.0.100:9999"}
        transport: {kcp: {key: k}}
        """);
        Result r = run("run", "--check", "-c", file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains("warning: " + file + ": a client without socks5 or forward entries carries no traffic");
    }

    @Test
    void checkWarnsAboutRiskyConfigurationsButAcceptsThem(@TempDir Path dir) throws Exception {
        Path client = Files.writeString(dir.resolve("open-socks.yaml"), """
        role: client
        socks5: [{listen: "0.0.0.0:1080"}]
        network: {ipv4: {addr: "192.168.1.100:0"}}
        server: {addr: "10.0.0.100:9999"}
        transport: {kcp: {block: none}}
        """);
        Result r = run("run", "--check", "-c", client.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains(
                        "warning: " + client + ":2: socks5[0].listen: SOCKS5 on 0.0.0.0 without username and password",
                        "warning: " + client + ":5: transport.kcp.block: none encrypts nothing",
                        client + ": the configuration is valid");
        Path server = Files.writeString(dir.resolve("public-server.yaml"), """
        role: server
        listen: {addr: ":9999"}
        network: {ipv4: {addr: "203.0.113.7:9999"}}
        transport: {kcp: {key: k}}
        access: {deny: []}
        """);
        r = run("run", "--check", "-c", server.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains(
                        "warning: " + server
                                + ":2: listen.addr: the server receives on 203.0.113.7 with the packet guard off",
                        "warning: " + server + ":5: access.deny: is empty");
    }

    @Test
    void missingFileIsAConfigurationError(@TempDir Path dir) {
        Result r = run("run", "--check", "-c", dir.resolve("absent.yaml").toString());
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("absent.yaml: no such file");
    }
}
