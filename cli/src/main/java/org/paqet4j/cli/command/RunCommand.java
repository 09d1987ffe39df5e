package org.paqet4j.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.paqet4j.cli.BuildInfo;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.ConfigProblem;
import org.paqet4j.cli.config.EffectiveConfigWriter;
import org.paqet4j.cli.config.LoadedConfig;
import org.paqet4j.cli.config.LogLevel;
import org.paqet4j.cli.log.Logging;
import org.paqet4j.cli.run.TunnelProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet run -c FILE}: loads and validates the configuration (all problems at once, exit
 * code 2, nothing started), applies the log level, then either prints the effective configuration
 * ({@code --check}) or starts the client or server the file describes and runs it until SIGINT or
 * SIGTERM, then shuts down in order within a bounded time and exits 0.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the client or server described by the configuration file and runs it until SIGINT or SIGTERM.",
            "With --check, only validates the file and prints it with every default filled in."
        },
        footer = {
            "",
            "Examples:",
            "  paqet run -c client.yaml",
            "  paqet run --check -c client.yaml",
            "  paqet run --check -c server.yaml --log-level debug",
            "  paqet run --check -c client.yaml --show-secrets > effective.yaml",
            "",
            "Problems are printed as FILE:LINE: PATH: MESSAGE, all at once; exit code 2."
        })
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "config.yaml",
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    /** Without it, run starts the tunnel. */
    @Option(
            names = "--check",
            description =
                    "Validate the configuration, print the effective configuration as YAML and exit (like nginx -t).")
    boolean check;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            converter = LogLevelConverter.class,
            completionCandidates = LogLevelConverter.class,
            description = "Overrides log.level: ${COMPLETION-CANDIDATES}.")
    LogLevel logLevel;

    @Option(
            names = "--show-secrets",
            description = "Print keys and passwords in the effective configuration instead of hiding them.")
    boolean showSecrets;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println("paqet: " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + " in "
                    + config + "; nothing was started");
            return ExitCodes.USAGE;
        }
        for (ConfigProblem warning : loaded.warnings()) {
            err.println("warning: " + warning);
        }
        Logging.configure(logLevel != null ? logLevel : loaded.config().logLevel());
        return act(loaded);
    }

    /** What {@code run} does with a valid configuration. */
    private int act(LoadedConfig loaded) {
        PrintWriter out = spec.commandLine().getOut();
        if (check) {
            out.println("# effective configuration of " + config + " (paqet4j "
                    + BuildInfo.current().version() + "): every default filled in");
            out.print(EffectiveConfigWriter.write(loaded.config(), showSecrets));
            out.flush();
            spec.commandLine().getErr().println("paqet: " + config + ": the configuration is valid");
            return ExitCodes.OK;
        }
        return TunnelProcess.run(loaded.config(), out, spec.commandLine().getErr());
    }
}
