package org.paqet4j.packet.firewall;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs firewall tools. A non-empty prefix ({@code ip netns exec NAME}) runs them inside a network
 * namespace, which is how the tests keep the host's rules untouched.
 */
final class CommandRunner {

    private static final long TIMEOUT_SECONDS = 20;

    /** What a command printed (stdout and stderr together) and how it exited. */
    record Result(int exitCode, String output) {

        boolean ok() {
            return exitCode == 0;
        }
    }

    private final List<String> prefix;

    private CommandRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    static CommandRunner direct() {
        return new CommandRunner(List.of());
    }

    static CommandRunner inNamespace(String netns) {
        return new CommandRunner(List.of("ip", "netns", "exec", netns));
    }

    Result run(List<String> command) throws FirewallException {
        return run(command, null);
    }

    /** Runs {@code command} with {@code input} (may be null) on its standard input. */
    Result run(List<String> command, String input) throws FirewallException {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        Process process;
        try {
            process = new ProcessBuilder(full).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, "cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FirewallException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS
                        + " s");
            }
            return new Result(process.exitValue(), output.strip());
        } catch (IOException e) {
            process.destroyForcibly();
            throw new FirewallException("running " + String.join(" ", command) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FirewallException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs {@code command} and fails with its output when it exits non-zero. */
    String check(List<String> command) throws FirewallException {
        return check(command, null);
    }

    String check(List<String> command, String input) throws FirewallException {
        Result result = run(command, input);
        if (!result.ok()) {
            throw new FirewallException(String.join(" ", command) + " exited " + result.exitCode() + ": "
                    + result.output());
        }
        return result.output();
    }
}
