package org.paqet4j.cli.kcptun;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code paqet kcptun client|server}: a drop-in for kcptun's two programs, taking their command lines. */
@Command(
        name = "kcptun",
        mixinStandardHelpOptions = true,
        description = "kcptun's command lines: the same flags, defaults and -c JSON config as kcptun-client and"
                + " kcptun-server.",
        subcommands = {KcptunClientCommand.class, KcptunServerCommand.class},
        footer = {
            "",
            "Examples:",
            "  paqet kcptun server -t 127.0.0.1:22 -l :29900 --key secret",
            "  paqet kcptun client -l 127.0.0.1:2222 -r 198.18.0.1:29900 --key secret",
            "  paqet kcptun client -c local.json"
        })
public final class KcptunCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "client or server is required");
    }
}
