package org.paqet4j.cli.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.Paqet;
import picocli.CommandLine.Model.CommandSpec;

class ManPageTest {

    private static CommandSpec paqet() {
        return Paqet.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getCommandSpec();
    }

    @Test
    void everyVisibleCommandAndOptionIsOnThePage() {
        String page = ManPage.render(paqet(), "1.2.3", "2026-01-02");
        assertThat(page)
                .startsWith(".TH PAQET 1 \"2026\\-01\\-02\" \"paqet 1.2.3\" \"User Commands\"\n")
                .contains(".SH NAME\npaqet \\- A packet\\-level tunnel")
                .contains(".SS paqet run\n")
                .contains(".SS paqet grpc\\-bridge serve\n")
                .contains(".SS paqet version\n")
                .contains("\\fB\\-c, \\-\\-config\\fR")
                .contains("\\fB\\-\\-check\\fR\n");
        for (CommandSpec sub : paqet().subcommands().values().stream()
                .map(c -> c.getCommandSpec())
                .toList()) {
            assertThat(page).contains(".SS " + ManPage.escape(sub.qualifiedName()) + "\n");
        }
    }

    @Test
    void textCannotBecomeARoffRequest() {
        assertThat(ManPage.escape(".SH evil\n'br\\x -n")).isEqualTo("\\&.SH evil\n\\&'br\\ex \\-n");
        assertThat(ManPage.escape("a → b — 😀")).isEqualTo("a \\[u2192] b \\[u2014] \\[u1F600]");
    }

    /** groff in warning mode (all warnings) has nothing to say about the page. */
    @Test
    void groffRendersThePageWithoutWarnings(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("paqet.1"), ManPage.render(paqet(), "1.2.3", "2026-01-02"));
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", page.toString())
                .redirectErrorStream(true)
                .start();
        String warnings = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(groff.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(warnings).isEmpty();
        assertThat(groff.exitValue()).isZero();
    }

    @Test
    void packagingFilesWritesPageAndCompletions(@TempDir Path dir) throws Exception {
        PackagingFiles.write(dir);
        assertThat(Files.readString(dir.resolve("paqet.1"))).startsWith(".TH PAQET 1 ");
        assertThat(Files.readString(dir.resolve("paqet.bash")))
                .contains("complete -F _complete_paqet")
                .contains("grpc-bridge");
        assertThat(Files.readString(dir.resolve("_paqet")))
                .startsWith("#compdef paqet\n")
                .contains("bashcompinit")
                .contains("source " + PackagingFiles.BASH_COMPLETION);
    }
}
