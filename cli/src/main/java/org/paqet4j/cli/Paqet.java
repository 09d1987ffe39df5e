package org.paqet4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import org.paqet4j.cli.command.DemoCommand;
import org.paqet4j.cli.command.DumpCommand;
import org.paqet4j.cli.command.FollowCommand;
import org.paqet4j.cli.command.GrpcBridgeCommand;
import org.paqet4j.cli.command.IfaceCommand;
import org.paqet4j.cli.command.PingCommand;
import org.paqet4j.cli.command.RunCommand;
import org.paqet4j.cli.command.SecretCommand;
import org.paqet4j.cli.command.StatusCommand;
import org.paqet4j.cli.command.VersionCommand;
import org.paqet4j.cli.kcptun.KcptunCommand;
import org.paqet4j.cli.log.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code paqet}: the command-line entry point. A command is added by listing its class in
 * {@code subcommands} below; each command is a picocli {@code Callable<Integer>} returning an
 * {@link ExitCodes} value.
 */
@Command(
        name = "paqet",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "A packet-level tunnel: KCP and smux over hand-made TCP packets, "
                + "wire-compatible with paqet (v1.0.0-alpha.21) and kcptun.",
        subcommands = {
            RunCommand.class,
            KcptunCommand.class,
            PingCommand.class,
            StatusCommand.class,
            DumpCommand.class,
            FollowCommand.class,
            GrpcBridgeCommand.class,
            DemoCommand.class,
            SecretCommand.class,
            IfaceCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {
            "",
            "Examples:",
            "  paqet secret                      make a key for transport.kcp.key",
            "  paqet run -c client.yaml          start the client (or server) a configuration describes",
            "  paqet run --check -c client.yaml  validate and print with all defaults",
            "  paqet kcptun server -t 127.0.0.1:22 --key K   kcptun-server's command line, as a drop-in",
            "  paqet ping -c client.yaml         round-trip time to the server through the tunnel",
            "  paqet status -c server.yaml       sessions, throughput and counters of a running paqet",
            "  sudo paqet demo                   a tunnel between two namespaces, a download through it",
            "  paqet iface                       list interfaces and default gateways",
            "  paqet grpc-bridge serve --listen 127.0.0.1:8080 --demo   gRPC over WebSocket, demo page at /demo",
            "  paqet help run                    help for one command",
            "",
            "Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error."
        })
public final class Paqet implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int code;
        try {
            PrintStream stdout = System.out;
            code = commandLine(new ByteStreamWriter(stdout, stdout.charset()), new PrintWriter(System.err, true))
                    .execute(args);
        } finally {
            Logging.shutdown();
        }
        System.exit(code);
    }

    /** The command tree writing to the given streams; runtime failures become one line and exit code 1. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Paqet());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // the root's stream: a subcommand registered later does not inherit setErr
            cli.getErr().println("paqet " + commandLine.getCommandName() + ": " + describe(e));
            return ExitCodes.FAILURE;
        });
        return cli;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
