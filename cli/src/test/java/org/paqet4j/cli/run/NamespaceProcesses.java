package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.paqet4j.packet.sys.Commands;

/**
 * The processes and network namespaces one namespace test starts, and the commands to start them
 * (setup commands run through {@code NetnsPair.run});
 * {@link #close()} ends every process and deletes every namespace, whatever the test did.
 */
public final class NamespaceProcesses implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();

    /** Deletes {@code ns} on {@link #close()}. */
    public void track(String ns) {
        namespaces.add(ns);
    }

    /** Starts {@code command} in namespace {@code ns}, its stderr to {@code log}; ended on {@link #close()}. */
    public Process startIn(String ns, Path log, String... command) throws IOException {
        return startIn(ns, ProcessBuilder.Redirect.PIPE, log, command);
    }

    /** As {@link #startIn(String, Path, String...)}, its stdout to {@code stdout}. */
    public Process startIn(String ns, ProcessBuilder.Redirect stdout, Path log, String... command) throws IOException {
        Process p = Commands.inNamespace(ns)
                .processBuilder(command)
                .redirectOutput(stdout)
                .redirectError(log.toFile())
                .start();
        processes.add(p);
        return p;
    }

    /** Starts {@code paqet args} from this test's class path in namespace {@code ns}. */
    public Process paqetIn(String ns, Path log, String... args) throws IOException {
        return paqetIn(ns, ProcessBuilder.Redirect.PIPE, log, args);
    }

    /** As {@link #paqetIn(String, Path, String...)}, its stdout to {@code stdout}. */
    public Process paqetIn(String ns, ProcessBuilder.Redirect stdout, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "org.paqet4j.cli.Paqet"));
        command.addAll(List.of(args));
        return startIn(ns, stdout, log, command.toArray(String[]::new));
    }

    /**
     * The first line {@code p} prints on stdout, within 90 s (a JVM starting on two cores shared
     * with other builds can take half a minute to get there); the assertion shows its stderr otherwise.
     */
    public static String firstLine(Process p, Path errLog) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        });
        String line = lines.poll(90, TimeUnit.SECONDS);
        assertThat(line)
                .as("startup line; stderr: %s", Files.readString(errLog))
                .isNotNull();
        return line;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        processes.forEach(Process::destroyForcibly);
        for (Process p : processes) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (String ns : namespaces) {
            Commands.onHost().attempt("ip", "netns", "del", ns);
        }
    }
}
