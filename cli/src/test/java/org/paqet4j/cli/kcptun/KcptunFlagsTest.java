package org.paqet4j.cli.kcptun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.Paqet;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.LoadedConfig;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;
import picocli.CommandLine;

/** kcptun's command lines and JSON files as paqet4j kcptun-mode configurations, without starting anything. */
class KcptunFlagsTest {

    private record Translated(PaqetConfig config, List<String> warnings) {}

    private static Translated translate(KcptunSideCommand command, String... args) throws Exception {
        new CommandLine(command).parseArgs(args);
        List<String> warnings = new ArrayList<>();
        Map<String, Object> values = command.settings(warnings);
        KcptunTranslation.Result result = KcptunTranslation.translate(command.client(), values);
        warnings.addAll(result.warnings());
        LoadedConfig loaded = ConfigLoader.parse("kcptun flags", result.yaml());
        loaded.warnings().forEach(w -> warnings.add(w.toString()));
        return new Translated(loaded.config(), warnings);
    }

    private static Path example(String name) throws Exception {
        return Path.of(KcptunFlagsTest.class.getResource(name).toURI());
    }

    @Test
    void clientDefaultsAreKcptunClientsDefaults() throws Exception {
        Translated t = translate(new KcptunClientCommand(), "-r", "198.18.0.1:29900", "--key", "k");
        PaqetConfig c = t.config();
        assertThat(c.role()).isEqualTo(Role.CLIENT);
        assertThat(c.kcptun().orElseThrow().listen().orElseThrow().toString()).isEqualTo("0.0.0.0:12948");
        assertThat(c.kcptun().orElseThrow().nocomp()).isFalse();
        assertThat(c.transport().conn()).isEqualTo(1);
        var kcp = c.transport().kcp();
        assertThat(kcp.block().yamlName()).isEqualTo("aes");
        assertThat(kcp.mode().configName()).isEqualTo("fast");
        assertThat(kcp.mtu()).isEqualTo(1350);
        assertThat(kcp.sndwnd()).isEqualTo(128);
        assertThat(kcp.rcvwnd()).isEqualTo(512);
        assertThat(kcp.dshard()).isEqualTo(10);
        assertThat(kcp.pshard()).isEqualTo(3);
        assertThat(kcp.smuxver()).isEqualTo(1);
        assertThat(kcp.smuxbuf()).isEqualTo(4194304);
        assertThat(kcp.streambuf()).isEqualTo(2097152);
        assertThat(kcp.smuxkalive()).hasSeconds(10);
        assertThat(c.network().pcapSockbuf()).isEqualTo(4194304);
    }

    @Test
    void serverDefaultsAndShortAndSingleDashForms() throws Exception {
        Translated t = translate(
                new KcptunServerCommand(),
                "-t",
                "127.0.0.1:22",
                "-key",
                "k",
                "-crypt",
                "salsa20",
                "--ds",
                "0",
                "-ps",
                "0",
                "-nocomp",
                "--smuxver=2",
                "--sndwnd",
                "2048");
        PaqetConfig c = t.config();
        assertThat(c.role()).isEqualTo(Role.SERVER);
        assertThat(c.kcptun().orElseThrow().target().orElseThrow().toString()).isEqualTo("127.0.0.1:22");
        assertThat(c.kcptun().orElseThrow().nocomp()).isTrue();
        var kcp = c.transport().kcp();
        assertThat(kcp.block().yamlName()).isEqualTo("salsa20");
        assertThat(kcp.dshard()).isZero();
        assertThat(kcp.pshard()).isZero();
        assertThat(kcp.smuxver()).isEqualTo(2);
        assertThat(kcp.sndwnd()).isEqualTo(2048);
        assertThat(kcp.rcvwnd()).isEqualTo(1024);
    }

    @Test
    void manualModeTakesTheKnobs() throws Exception {
        var kcp = translate(
                        new KcptunServerCommand(),
                        "--mode",
                        "manual",
                        "--nodelay",
                        "1",
                        "--interval",
                        "20",
                        "--resend",
                        "2",
                        "--nc",
                        "1",
                        "--acknodelay")
                .config()
                .transport()
                .kcp();
        assertThat(kcp.tuning().nodelay()).isEqualTo(1);
        assertThat(kcp.tuning().intervalMs()).isEqualTo(20);
        assertThat(kcp.tuning().resend()).isEqualTo(2);
        assertThat(kcp.tuning().noCongestion()).isTrue();
        assertThat(kcp.tuning().ackNoDelay()).isTrue();
    }

    @Test
    void kcptunsExampleClientJsonIsAccepted() throws Exception {
        Translated t =
                translate(new KcptunClientCommand(), "-c", example("local.json").toString());
        PaqetConfig c = t.config();
        assertThat(c.kcptun().orElseThrow().listen().orElseThrow().toString()).isEqualTo("0.0.0.0:2000");
        assertThat(c.kcptun().orElseThrow().nocomp()).isTrue();
        var kcp = c.transport().kcp();
        assertThat(kcp.key()).isEqualTo("PASSWORD");
        assertThat(kcp.block().yamlName()).isEqualTo("aes-128");
        assertThat(kcp.mode().configName()).isEqualTo("fast3");
        assertThat(kcp.mtu()).isEqualTo(1400);
        assertThat(kcp.rcvwnd()).isEqualTo(1024);
        assertThat(c.network().pcapSockbuf()).isEqualTo(16777217);
        assertThat(t.warnings()).anyMatch(w -> w.contains("--dscp 46")).anyMatch(w -> w.contains("--autoexpire 1800"));
    }

    @Test
    void kcptunsExampleServerJsonIsAcceptedAndOverridesTheFlags() throws Exception {
        Translated t = translate(
                new KcptunServerCommand(),
                "--mtu",
                "1200",
                "-c",
                example("server.json").toString());
        PaqetConfig c = t.config();
        assertThat(c.kcptun().orElseThrow().target().orElseThrow().toString()).isEqualTo("127.0.0.1:9999");
        assertThat(c.transport().kcp().mtu()).isEqualTo(1400);
        assertThat(c.transport().kcp().sndwnd()).isEqualTo(2048);
    }

    private static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Paqet.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        assertThat(code).as("exit code; stderr: %s", err).isEqualTo(expectedExit);
        return err.toString();
    }

    @Test
    void unknownFlagIsNamed() {
        assertThat(run(ExitCodes.USAGE, "kcptun", "client", "--bogus", "1")).contains("--bogus");
    }

    @Test
    void tcpEmulationIsRefusedClearly() {
        assertThat(run(ExitCodes.USAGE, "kcptun", "server", "--tcp"))
                .contains("--tcp")
                .contains("not supported");
    }

    @Test
    void snmplogIsRefusedClearly() {
        assertThat(run(ExitCodes.USAGE, "kcptun", "client", "--snmplog", "./snmp.log"))
                .contains("--snmplog");
    }

    @Test
    void aJsonValueOfTheWrongTypeIsNamed(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path json = dir.resolve("bad.json");
        java.nio.file.Files.writeString(json, "{\"mtu\": \"big\"}");
        assertThat(run(ExitCodes.USAGE, "kcptun", "server", "-c", json.toString()))
                .contains("\"mtu\" must be an integer");
    }
}
