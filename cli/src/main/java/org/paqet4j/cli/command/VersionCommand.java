package org.paqet4j.cli.command;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paqet4j.cli.BuildInfo;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.packaging.Packaging;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code paqet version}: what was built, from which commit, and what it runs on. */
@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        description = "Prints the version, git commit, build time, packaging (jar, image or deb), Java version and "
                + "platform.",
        footer = {"", "Examples:", "  paqet version", "  paqet --version"})
public final class VersionCommand implements Callable<Integer> {
    /** The version paqet4j's wire format and configuration follow. */
    public static final String PAQET_COMPATIBILITY = "paqet v1.0.0-alpha.21";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        lines().forEach(spec.commandLine().getOut()::println);
        return ExitCodes.OK;
    }

    static List<String> lines() {
        BuildInfo build = BuildInfo.current();
        return List.of(
                "Version:    " + build.version() + " (paqet4j, compatible with " + PAQET_COMPATIBILITY + ")",
                "Git Commit: " + build.commit(),
                "Build Time: " + build.time(),
                "Packaging:  " + Packaging.current().word(),
                "Java:       " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vendor") + ")",
                "Platform:   " + System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/"
                        + System.getProperty("os.arch"));
    }

    /** The same lines for {@code paqet --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines().toArray(String[]::new);
        }
    }
}
