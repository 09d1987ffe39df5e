package org.paqet4j.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM of the demo (a paqet server or client, the file server, the downloader), optionally
 * inside a network namespace ({@code ip netns exec NS java ...}, which execs, so the process is
 * the JVM itself). Its standard output is read line by line; standard error goes to a log file.
 * Closing it sends SIGTERM (paqet shuts down in order and exits), then SIGKILL after a grace time.
 */
final class ChildProcess implements AutoCloseable {
    private static final String END = "\u0000end";
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final int EXCERPT_LINES = 12;
    private static final int TAIL_LINES = 3;

    private final String name;
    private final Process process;
    private final Path errorLog;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String name, Process process, Path errorLog) {
        this.name = name;
        this.process = process;
        this.errorLog = errorLog;
        Thread.ofPlatform().daemon().name("demo-" + name + "-out").start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process went away; END below tells the reader
            } finally {
                lines.add(END);
            }
        });
    }

    /**
     * Starts {@code mainClass args} in a JVM like the running one (same java, same class path),
     * inside {@code namespace} when present.
     */
    static ChildProcess startJava(
            String name, Optional<String> namespace, String mainClass, List<String> args, Path errorLog)
            throws IOException {
        List<String> command = new ArrayList<>();
        namespace.ifPresent(ns -> command.addAll(List.of("ip", "netns", "exec", ns)));
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElseThrow(() -> new IOException("cannot tell which java runs this demo")));
        // Small, quick-starting JVMs: the demo runs four of them on what may be a small machine.
        command.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-cp",
                absoluteClassPath(),
                mainClass));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(errorLog.toFile()).start();
        p.getOutputStream().close();
        return new ChildProcess(name, p, errorLog);
    }

    private static String absoluteClassPath() {
        String separator = System.getProperty("path.separator");
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(separator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(separator, entries);
    }

    /**
     * Waits for the first line matching {@code wanted} (earlier lines are skipped); fails with the
     * child's error log when it ends first or the time runs out.
     */
    String awaitLine(Predicate<String> wanted, Duration timeout, String what) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new IOException(
                            name + ": no " + what + " within " + timeout.toSeconds() + " s" + errorExcerpt());
                }
                if (line.equals(END)) {
                    lines.add(END);
                    throw new IOException(name + " ended before " + what + exitDescription() + errorExcerpt());
                }
                if (wanted.test(line)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted while waiting for " + what, e);
        }
    }

    /** The next line, or empty at the end of the output. */
    Optional<String> nextLine() throws IOException {
        try {
            String line = lines.take();
            if (line.equals(END)) {
                lines.add(END);
                return Optional.empty();
            }
            return Optional.of(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted", e);
        }
    }

    /** Waits for the process to exit; returns its exit code. */
    int awaitExit(Duration timeout) throws IOException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(name + " did not exit within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted", e);
        }
    }

    long pid() {
        return process.pid();
    }

    String errorExcerpt() {
        try {
            List<String> excerpt = excerpt(Files.readAllLines(errorLog));
            return excerpt.isEmpty() ? "" : "; its messages:\n  " + String.join("\n  ", excerpt);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The lines of an error log that say why a child failed: from its first ERROR line (or the
     * start) up to {@link #EXCERPT_LINES} lines, then the last few if there is more. A failure's
     * reason comes first and its long explanation (commands to run by hand) after, so the tail
     * alone would hide it.
     */
    static List<String> excerpt(List<String> log) {
        int start = 0;
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains("ERROR")
                    || log.get(i).startsWith("Exception")
                    || log.get(i).startsWith("paqet: ")
                    || log.get(i).startsWith("paqet run: ")) {
                start = i;
                break;
            }
        }
        int end = Math.min(log.size(), start + EXCERPT_LINES);
        List<String> shown = new ArrayList<>(log.subList(start, end));
        if (end < log.size()) {
            int tailStart = Math.max(end, log.size() - TAIL_LINES);
            if (tailStart > end) {
                shown.add("...");
            }
            shown.addAll(log.subList(tailStart, log.size()));
        }
        return shown;
    }

    private String exitDescription() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? " (exit code " + process.exitValue() + ")" : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGTERM, a grace time, then SIGKILL for the process and anything it started. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
