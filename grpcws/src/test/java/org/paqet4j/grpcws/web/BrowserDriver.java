package org.paqet4j.grpcws.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The system's headless Chromium, driven through {@code src/test/web/browser/driver.mjs}
 * (puppeteer-core) over the driver's line protocol. One browser per instance; {@link #close()}
 * ends it and removes its profile even when a test failed.
 */
final class BrowserDriver implements AutoCloseable {

    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    private BrowserDriver(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts Chromium; fails with what to run when Chromium or the npm packages are missing. */
    static BrowserDriver start() throws IOException {
        requireTools();
        ProcessBuilder pb = new ProcessBuilder("node", "src/test/web/browser/driver.mjs")
                .directory(MODULE.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        return new BrowserDriver(pb.start());
    }

    static void requireTools() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isDirectory(MODULE.resolve("node_modules/puppeteer-core"))) {
            throw new IllegalStateException("the browser tests need " + CHROMIUM
                    + " and grpcws/node_modules/puppeteer-core; " + "run scripts/install-test-deps (as root) first");
        }
    }

    int open(String url) throws IOException {
        return Integer.parseInt(send(command("op", "open", "url", url)));
    }

    String run(int page, String scenario, Object... args) throws IOException {
        return send(command("op", "run", "page", page, "scenario", scenario, "args", map(args)));
    }

    /** Starts a scenario without waiting for it; {@link #await} collects its result. */
    void start(int page, String name, String scenario, Object... args) throws IOException {
        send(command("op", "start", "page", page, "name", name, "scenario", scenario, "args", map(args)));
    }

    String await(String name) throws IOException {
        return send(command("op", "await", "name", name));
    }

    String eval(int page, String expression) throws IOException {
        return send(command("op", "eval", "page", page, "expression", expression));
    }

    /** JSHeapUsedSize of the page after forced garbage collections. */
    long heapUsed(int page) throws IOException {
        return (long) Double.parseDouble(send(command("op", "heap", "page", page)));
    }

    void closePage(int page) throws IOException {
        send(command("op", "closePage", "page", page));
    }

    /** Console errors and uncaught exceptions of every page so far. */
    List<String> consoleErrors() throws IOException {
        String all = send(command("op", "consoleErrors"));
        return all.isEmpty() ? List.of() : Arrays.asList(all.split("\n"));
    }

    private synchronized String send(Map<String, Object> command) throws IOException {
        in.write(Json.write(command));
        in.write('\n');
        in.flush();
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the browser driver exited (command " + Json.write(command) + ")");
        }
        String value =
                line.substring(line.indexOf(' ') + 1).replace("\\n", "\n").replace("\\\\", "\\");
        if (!line.startsWith("ok ")) {
            throw new IOException("browser command " + Json.write(command) + " failed: " + value);
        }
        return value;
    }

    private static Map<String, Object> command(Object... keyValues) {
        return map(keyValues);
    }

    private static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            in.write("{\"op\":\"exit\"}\n");
            in.flush();
            in.close();
        } catch (IOException alreadyGone) {
            // the process ended by itself; still make sure below
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The little JSON the driver's commands need: strings, numbers, booleans and nested maps. */
    static final class Json {
        private Json() {}

        static String write(Object v) {
            StringBuilder sb = new StringBuilder();
            write(sb, v);
            return sb.toString();
        }

        private static void write(StringBuilder sb, Object v) {
            switch (v) {
                case null -> sb.append("null");
                case Number n -> sb.append(n);
                case Boolean b -> sb.append(b);
                case Map<?, ?> m -> {
                    sb.append('{');
                    boolean first = true;
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (!first) {
                            sb.append(',');
                        }
                        first = false;
                        write(sb, String.valueOf(e.getKey()));
                        sb.append(':');
                        write(sb, e.getValue());
                    }
                    sb.append('}');
                }
                default -> {
                    sb.append('"');
                    for (char c : v.toString().toCharArray()) {
                        switch (c) {
                            case '"' -> sb.append("\\\"");
                            case '\\' -> sb.append("\\\\");
                            case '\n' -> sb.append("\\n");
                            case '\r' -> sb.append("\\r");
                            case '\t' -> sb.append("\\t");
                            default -> {
                                if (c < 0x20) {
                                    sb.append(String.format("\\u%04x", (int) c));
                                } else {
                                    sb.append(c);
                                }
                            }
                        }
                    }
                    sb.append('"');
                }
            }
        }
    }
}
