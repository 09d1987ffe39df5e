package org.paqet4j.cli.command;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code paqet secret}: 32 random bytes from the OS's secure generator, as 64 hex digits. */
@Command(
        name = "secret",
        mixinStandardHelpOptions = true,
        description = "Prints a new random 256-bit key (64 hex digits) for transport.kcp.key.",
        footer = {
            "",
            "Examples:",
            "  paqet secret                 prints 64 hex digits, e.g. 9f86d081...0f00a08",
            "  key=$(paqet secret)          then put \"$key\" in transport.kcp.key on both ends"
        })
public final class SecretCommand implements Callable<Integer> {
    static final int BYTES = 32;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(newSecret());
        return ExitCodes.OK;
    }

    /** A fresh key as {@code paqet secret} prints it (also used by {@code paqet demo}). */
    public static String newSecret() {
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }
}
