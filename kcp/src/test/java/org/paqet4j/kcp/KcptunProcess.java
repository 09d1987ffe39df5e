package org.paqet4j.kcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of Debian's kcptun programs started by a test: its output goes to a temporary log (attached to
 * every failure through {@link #failure}), and {@link #close} ends the process and deletes the log
 * whatever happened. The command may be prefixed (for example to run in a network namespace).
 */
public final class KcptunProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private KcptunProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} as given; {@code name} says which kcptun program it is, for messages. */
    public static KcptunProcess start(String name, List<String> command) throws IOException {
        Path log = Files.createTempFile("p4j-" + name + "-", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new KcptunProcess(name, process, log);
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw new IOException("cannot start " + command + " (is kcptun installed? scripts/install-test-deps)", e);
        }
    }

    /** {@code kcptun-client -l LISTEN -r REMOTE} followed by {@code flags}. */
    public static KcptunProcess client(String listen, String remote, List<String> flags) throws IOException {
        List<String> command = new ArrayList<>(List.of("kcptun-client", "-l", listen, "-r", remote));
        command.addAll(flags);
        return start("kcptun-client", command);
    }

    /** {@code kcptun-server -l LISTEN -t TARGET} followed by {@code flags}. */
    public static KcptunProcess server(String listen, String target, List<String> flags) throws IOException {
        List<String> command = new ArrayList<>(List.of("kcptun-server", "-l", listen, "-t", target));
        command.addAll(flags);
        return start("kcptun-server", command);
    }

    /**
     * The flags the interop tests vary, in kcptun's spelling: key, cipher, compression, FEC shards and
     * smux version, with mode {@code fast} (kcptun's default) and {@code --quiet}.
     */
    public static List<String> flags(String key, String crypt, boolean compress, int data, int parity, int smux) {
        List<String> flags = new ArrayList<>(List.of(
                "--key",
                key,
                "--crypt",
                crypt,
                "--mode",
                "fast",
                "--datashard",
                Integer.toString(data),
                "--parityshard",
                Integer.toString(parity),
                "--smuxver",
                Integer.toString(smux),
                "--quiet"));
        if (!compress) {
            flags.add("--nocomp");
        }
        return flags;
    }

    /** What the program has printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the " + name + " log " + log, e);
        }
    }

    /** Waits until the log contains {@code text} (for example kcptun-server's "listening on"). */
    public void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not print \"" + text + "\" within " + timeout + ": " + log());
            }
            Thread.sleep(20);
        }
    }

    /** An assertion error carrying the program's log, for a failure in a test that used it. */
    public AssertionError failure(String what, Throwable cause) {
        return new AssertionError(what + "; " + name + " log: " + log(), cause);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A UDP port free on loopback right now (kcptun binds it a moment later). */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        }
    }

    /** A TCP port free on loopback right now. */
    public static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
