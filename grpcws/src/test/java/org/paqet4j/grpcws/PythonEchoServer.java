package org.paqet4j.grpcws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The python3-grpcio interop peer (test resources interop/*.py) run as a child process. Debian's
 * grpcio lives under /usr/bin/python3, not whatever python3 comes first on PATH.
 */
final class PythonEchoServer implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final int port;

    private PythonEchoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path scripts() throws IOException {
        Path dir = Files.createTempDirectory("grpcws-interop");
        for (String name : List.of("echo_server.py", "echo_client.py")) {
            try (var in = PythonEchoServer.class.getResourceAsStream("/interop/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        dir.toFile().deleteOnExit();
        dir.resolve("echo_server.py").toFile().deleteOnExit();
        dir.resolve("echo_client.py").toFile().deleteOnExit();
        return dir;
    }

    /** Starts the server on {@code listen} ("127.0.0.1:0" for any port) and waits for its port. */
    static PythonEchoServer start(Path scripts, String listen) throws IOException {
        Process p = new ProcessBuilder(PYTHON, scripts.resolve("echo_server.py").toString(), listen)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("PORT ")) {
            p.destroyForcibly();
            throw new IOException("python echo server did not start: " + line);
        }
        return new PythonEchoServer(p, Integer.parseInt(line.substring(5).strip()));
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Kills the process (SIGKILL): its connections drop without a word. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws IOException {
        if (!process.isAlive()) {
            return;
        }
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
