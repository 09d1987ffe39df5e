package org.paqet4j.packet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {

    private final Commands host = Commands.onHost();

    @Test
    void checkReturnsStandardOutputStripped() throws Exception {
        assertThat(host.check("echo", "  hello  ")).isEqualTo("hello");
    }

    @Test
    void argumentsReachTheCommandAsTheyAreWithoutAShell() throws Exception {
        assertThat(host.check("echo", "$HOME; `id` | x")).isEqualTo("$HOME; `id` | x");
    }

    @Test
    void outputAndErrorAreCapturedApart() throws Exception {
        Commands.Result result = host.run("sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.ok()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void aFailureNamesTheCommandItsExitCodeAndStderr() {
        assertThatThrownBy(() -> host.check("sh", "-c", "echo noise; echo 'no such device' >&2; exit 2"))
                .isInstanceOf(CommandException.class)
                .hasMessage("sh -c echo noise; echo 'no such device' >&2; exit 2 exited 2: no such device");
    }

    @Test
    void withoutStderrTheMessageQuotesStdout() {
        assertThatThrownBy(() -> host.check("sh", "-c", "echo only here; exit 1"))
                .hasMessageEndingWith("exited 1: only here");
    }

    @Test
    void aLongStderrIsCutToAnExcerpt() {
        assertThatThrownBy(() -> host.check("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; exit 1"))
                .isInstanceOf(CommandException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(700).endsWith("xxx…"));
    }

    @Test
    void largeOutputOnBothStreamsDoesNotBlockTheCommand() throws Exception {
        Commands.Result result = host.run("sh", "-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2");

        assertThat(result.ok()).isTrue();
        assertThat(result.stdout()).hasSize(1_000_000);
        assertThat(result.stderr()).hasSize(1_000_000);
    }

    @Test
    void inputGoesToStandardInput() throws Exception {
        assertThat(host.check(List.of("cat"), "table inet x {\n}\n")).isEqualTo("table inet x {\n}");
    }

    @Test
    void aCommandThatCannotStartEndsAsInAShell() throws Exception {
        Commands.Result result = host.run("/nonexistent/p4j-tool", "-x");

        assertThat(result.exitCode()).isEqualTo(Commands.CANNOT_START);
        assertThat(result.stderr()).startsWith("cannot start /nonexistent/p4j-tool: ");
        assertThatThrownBy(() -> host.check("/nonexistent/p4j-tool")).hasMessageContaining("exited 127: cannot start");
    }

    @Test
    void aCommandPastItsDeadlineIsKilled() {
        assertThatThrownBy(() -> host.withTimeout(Duration.ofMillis(300)).run("sleep", "600"))
                .isInstanceOf(CommandException.class)
                .hasMessage("sleep 600 did not finish within 300 ms and was killed");
    }

    @Test
    void inANamespaceTheCommandIsPrefixedWithIpNetnsExec() {
        // a namespace that does not exist: ip itself fails, and the message shows the whole command
        Commands.Result result = assertRuns(Commands.inNamespace("p4j-cmd-missing"), "true");

        assertThat(result.command()).containsExactly("ip", "netns", "exec", "p4j-cmd-missing", "true");
        assertThat(result.ok()).isFalse();
        assertThat(Commands.inNamespace("p4j-cmd-missing")).hasToString("commands in netns p4j-cmd-missing");
    }

    @Test
    void aProcessBuilderRunsInTheSamePlace() {
        assertThat(Commands.inNamespace("p4j-x").processBuilder("tcpdump", "-n").command())
                .containsExactly("ip", "netns", "exec", "p4j-x", "tcpdump", "-n");
        assertThat(host.processBuilder("tcpdump", "-n").command()).containsExactly("tcpdump", "-n");
    }

    @Test
    void attemptReportsInsteadOfThrowing() {
        assertThat(host.attempt("true")).isEmpty();
        assertThat(host.attempt("false")).contains("false exited 1");
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatThrownBy(() -> host.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Commands.Result assertRuns(Commands commands, String... command) {
        try {
            return commands.run(command);
        } catch (CommandException e) {
            throw new AssertionError(e);
        }
    }
}
