package org.paqet4j.cli.packaging;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.paqet4j.cli.BuildInfo;
import org.paqet4j.cli.Paqet;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the files a package installs beside the program, generated from the same picocli model
 * the program parses with: the man page {@code paqet.1}, the bash completion {@code paqet.bash}
 * (picocli's {@link AutoComplete}) and the zsh completion {@code _paqet}, which loads the bash
 * one through zsh's {@code bashcompinit}. Run by the packaging scripts at build time:
 * {@code java -cp paqet.jar org.paqet4j.cli.packaging.PackagingFiles OUTPUT_DIRECTORY}, which
 * prints the version it was built as.
 */
public final class PackagingFiles {

    /** Where the .deb installs the bash completion; the zsh file sources it from there. */
    public static final String BASH_COMPLETION = "/usr/share/bash-completion/completions/paqet";

    private PackagingFiles() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PackagingFiles OUTPUT_DIRECTORY");
            System.exit(2);
        }
        write(Path.of(args[0]));
        // the packaging scripts name the package after it
        System.out.println(BuildInfo.current().version());
    }

    /** Writes paqet.1, paqet.bash and _paqet into {@code directory} (created if missing). */
    public static void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        CommandLine cli = Paqet.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        String date = LocalDate.now(ZoneOffset.UTC).toString();
        Files.writeString(
                directory.resolve("paqet.1"),
                ManPage.render(cli.getCommandSpec(), BuildInfo.current().version(), date),
                StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("paqet.bash"), AutoComplete.bash("paqet", cli), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("_paqet"), zsh(), StandardCharsets.UTF_8);
    }

    /**
     * An autoloaded zsh completion function: the first completion of {@code paqet} turns on
     * bashcompinit, loads the bash completion (whose {@code complete -F} then registers itself
     * with compdef for the next time) and completes this once through the same bridge.
     */
    static String zsh() {
        return """
                #compdef paqet
                # paqet's bash completion (generated from the command model) run by zsh's bashcompinit.
                autoload -U +X bashcompinit && bashcompinit
                source %s
                _bash_complete -F _complete_paqet "$@"
                """.formatted(BASH_COMPLETION);
    }
}
