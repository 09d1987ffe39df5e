package org.paqet4j.tunnel.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** {@code python3 -m http.server} on 127.0.0.1 serving generated files from a temporary directory. */
final class LocalHttpServer implements AutoCloseable {

    final Path directory;
    final int port;
    private final Process process;

    LocalHttpServer(Path directory) throws IOException, InterruptedException {
        this.directory = directory;
        try (ServerSocket probe = new ServerSocket(0, 1, TunnelHarness.LOOPBACK)) {
            port = probe.getLocalPort();
        }
        process = new ProcessBuilder(
                        "python3",
                        "-m",
                        "http.server",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--directory",
                        directory.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("http.log").toFile())
                .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(TunnelHarness.LOOPBACK, port), 200);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > end || !process.isAlive()) {
                    close();
                    throw new IOException("python3 http.server did not start on port " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Writes {@code size} random bytes to {@code name} and returns their SHA-256. */
    String generate(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        Files.write(directory.resolve(name), data);
        return sha256(data);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs curl with {@code args}; returns its exit code (output in {@code log}). */
    static int curl(Path log, String... args) throws IOException, InterruptedException {
        return curlIn(List.of(), log, args);
    }

    /** Runs curl with {@code args} behind {@code prefix} (e.g. {@code ip netns exec <ns>}); returns its exit code. */
    static int curlIn(List<String> prefix, Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("curl", "-sS", "--max-time", "120"));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        Process curl = builder.start();
        if (!curl.waitFor(150, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            return -1;
        }
        return curl.exitValue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
