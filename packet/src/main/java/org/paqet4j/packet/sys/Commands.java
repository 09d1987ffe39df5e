package org.paqet4j.packet.sys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs host tools ({@code ip}, {@code ethtool}, {@code nft}, {@code iptables}, ...) on the host or
 * inside a named network namespace ({@code ip netns exec NAME}). A command is an argument list
 * handed to the kernel as is: no shell, so no quoting or interpolation surprises. Standard output
 * and standard error are captured separately (both drained while the command runs, so a chatty
 * tool cannot block on a full pipe), and every command has a deadline after which it is killed.
 * Instances are immutable.
 *
 * <pre>{@code
 * String link = Commands.onHost().check("ip", "-o", "link", "show", "lo");
 * Commands.Result r = Commands.inNamespace("p4j-x-a").run(List.of("nft", "list", "tables"), null);
 * }</pre>
 */
public final class Commands {

    /** Long enough for {@code ip netns add} and friends on a loaded machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** What a shell reports for a command it cannot start; {@link #run} does the same. */
    public static final int CANNOT_START = 127;
    /** Enough of stderr to say what went wrong without flooding a log line. */
    private static final int EXCERPT_CHARS = 500;

    private static final Commands HOST = new Commands(List.of(), DEFAULT_TIMEOUT);

    /** How {@code command} ended and what it printed. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public Result {
            command = List.copyOf(command);
        }

        public boolean ok() {
            return exitCode == 0;
        }

        /** What the tool said about its failure: the start of stderr, or of stdout when stderr is empty. */
        public String excerpt() {
            String said = stderr.isBlank() ? stdout.strip() : stderr.strip();
            return said.length() <= EXCERPT_CHARS ? said : said.substring(0, EXCERPT_CHARS) + "…";
        }

        /** "CMD exited N: EXCERPT", for an error message. */
        public String describeFailure() {
            String said = excerpt();
            return String.join(" ", command) + " exited " + exitCode + (said.isEmpty() ? "" : ": " + said);
        }
    }

    private final List<String> prefix;
    private final Duration timeout;

    private Commands(List<String> prefix, Duration timeout) {
        this.prefix = List.copyOf(prefix);
        this.timeout = timeout;
    }

    /** Commands run directly on this host, each within {@link #DEFAULT_TIMEOUT}. */
    public static Commands onHost() {
        return HOST;
    }

    /** Commands run inside network namespace {@code netns} (through {@code ip netns exec}). */
    public static Commands inNamespace(String netns) {
        return new Commands(List.of("ip", "netns", "exec", netns), DEFAULT_TIMEOUT);
    }

    /** The same place, each command killed after {@code value}. */
    public Commands withTimeout(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive, got " + value);
        }
        return new Commands(prefix, value);
    }

    /**
     * A process builder for {@code command} in this place, for a process that runs alongside the
     * caller (a server, a capture) and that the caller starts, reads and ends itself.
     */
    public ProcessBuilder processBuilder(String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        return new ProcessBuilder(full);
    }

    /** Runs {@code command} to its end; see {@link #run(List, String)}. */
    public Result run(String... command) throws CommandException {
        return run(List.of(command), null);
    }

    /**
     * Runs {@code command} with {@code input} (may be null) on its standard input and returns how it
     * ended, whatever its exit code. A command that cannot be started (not installed, not
     * executable) ends with {@link #CANNOT_START} and the reason on stderr, as in a shell. The input
     * is meant to be small (a script for {@code nft -f -}): it is written before the deadline starts.
     *
     * @throws CommandException when it does not finish in time (it is killed) or the caller is interrupted
     */
    public Result run(List<String> command, String input) throws CommandException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        ProcessBuilder builder = processBuilder(command.toArray(String[]::new));
        List<String> full = builder.command();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(full, CANNOT_START, "", "cannot start " + full.getFirst() + ": " + e.getMessage());
        }
        boolean finished = false;
        try {
            FutureTask<byte[]> stdout = drain(process.getInputStream(), full);
            FutureTask<byte[]> stderr = drain(process.getErrorStream(), full);
            feed(process, input);
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!process.waitFor(timeout)) {
                throw new CommandException(
                        String.join(" ", full) + " did not finish within " + describe(timeout) + " and was killed");
            }
            Result result =
                    new Result(full, process.exitValue(), text(stdout, deadline, full), text(stderr, deadline, full));
            finished = true;
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running " + String.join(" ", full), e);
        } finally {
            if (!finished) {
                process.destroyForcibly();
            }
        }
    }

    /** Runs {@code command} and returns its standard output (stripped); fails unless it exits 0. */
    public String check(String... command) throws CommandException {
        return check(List.of(command), null);
    }

    /** As {@link #check(String...)}. */
    public String check(List<String> command) throws CommandException {
        return check(command, null);
    }

    /**
     * Runs {@code command} with {@code input} (may be null) on its standard input and returns its
     * standard output, stripped.
     *
     * @throws CommandException when it exits non-zero (the message has the exit code and the start of
     *     stderr), does not finish in time or the caller is interrupted
     */
    public String check(List<String> command, String input) throws CommandException {
        Result result = run(command, input);
        if (!result.ok()) {
            throw new CommandException(result.describeFailure());
        }
        return result.stdout().strip();
    }

    /**
     * Runs {@code command} for cleanup, where a failure must not hide the error being handled:
     * empty when it succeeded, otherwise what went wrong. Never throws.
     */
    public Optional<String> attempt(String... command) {
        try {
            Result result = run(List.of(command), null);
            return result.ok() ? Optional.empty() : Optional.of(result.describeFailure());
        } catch (CommandException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String toString() {
        return prefix.isEmpty() ? "commands on the host" : "commands in netns " + prefix.getLast();
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    /** Reads {@code stream} to its end on a virtual thread. */
    private static FutureTask<byte[]> drain(InputStream stream, List<String> command) {
        FutureTask<byte[]> task = new FutureTask<>(() -> {
            try (stream) {
                return stream.readAllBytes();
            }
        });
        Thread.ofVirtual().name("command-output " + command.getFirst()).start(task);
        return task;
    }

    private static void feed(Process process, String input) {
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // A command that exits without reading its input says why through its exit code and stderr.
        }
    }

    private static String text(FutureTask<byte[]> output, long deadline, List<String> command)
            throws CommandException, InterruptedException {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return new String(output.get(left, TimeUnit.NANOSECONDS), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            // the command exited but something it started still holds the pipe open
            throw new CommandException(String.join(" ", command) + " exited but its output stayed open", e);
        } catch (ExecutionException e) {
            throw new CommandException(
                    "reading the output of " + String.join(" ", command) + " failed: "
                            + e.getCause().getMessage(),
                    e.getCause());
        }
    }
}
