package org.paqet4j.cli.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status endpoint: {@code /metrics}, {@code /status} and the dashboard, on the JDK's HTTP
 * server. A small fixed pool serves requests one at a time each, so a flood of requests costs
 * this endpoint its answers and nothing else; {@link StatusRouter} caps the request and checks
 * the token before anything is read from the tunnel.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

    /** Threads answering requests; a scrape takes milliseconds, two are plenty for a dashboard and Prometheus. */
    static final int THREADS = 2;
    /** Connections waiting for accept beyond what the threads serve. */
    private static final int BACKLOG = 16;

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusRouter router;
    private final Supplier<StatusReport> reports;
    private final StatusMetrics metrics;
    private final ObjectWriter json = new ObjectMapper().writer();
    private final Map<String, byte[]> resources;
    private final LogThrottle refusedLog = new LogThrottle(Duration.ofSeconds(60));

    private StatusServer(
            HttpServer server, ExecutorService executor, Optional<String> token, Supplier<StatusReport> reports) {
        this.server = server;
        this.executor = executor;
        this.router = new StatusRouter(token);
        this.reports = reports;
        this.metrics = new StatusMetrics(reports);
        this.resources = loadResources();
    }

    /** Binds {@code bind} and starts serving; the caller owns the result and closes it. */
    public static StatusServer start(InetSocketAddress bind, Optional<String> token, Supplier<StatusReport> reports)
            throws IOException {
        // The JDK server reads these once, when its first instance is made: a client that sends its
        // request or reads the answer slower than this loses the connection instead of holding a thread.
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "10");
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "30");
        // Headers and body go out as two writes: without this, Nagle's algorithm holds the body until
        // the client's delayed ACK (40 ms) on every answer of a kept-alive connection.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
        HttpServer http;
        try {
            http = HttpServer.create(bind, BACKLOG);
        } catch (IOException e) {
            throw new IOException(
                    "status endpoint: cannot listen on " + AddressText.of(bind) + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        StatusServer status = new StatusServer(http, executor, token, reports);
        http.setExecutor(executor);
        http.createContext("/", status::handle);
        http.start();
        return status;
    }

    public InetSocketAddress localAddress() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Headers headers = exchange.getRequestHeaders();
            int count = 0;
            long bytes = 0;
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                for (String value : h.getValue()) {
                    count++;
                    bytes += h.getKey().length() + (value == null ? 0 : value.length());
                }
            }
            List<String> authorization = headers.getOrDefault("Authorization", List.of());
            StatusRoute route = router.route(
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), authorization, count, bytes);
            Headers out = exchange.getResponseHeaders();
            out.set("Cache-Control", "no-store");
            out.set("X-Content-Type-Options", "nosniff");
            out.set("Referrer-Policy", "no-referrer");
            switch (route) {
                case StatusRoute.Metrics m -> {
                    ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                    metrics.write(body);
                    send(exchange, 200, metrics.contentType(), body.toByteArray());
                }
                case StatusRoute.Status s ->
                    send(exchange, 200, "application/json", json.writeValueAsBytes(reports.get()));
                case StatusRoute.Resource r -> {
                    if (r.name().endsWith(".html")) {
                        // Only our own script and style; nothing inline, nothing from elsewhere.
                        out.set(
                                "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                                        + " img-src 'self'; frame-ancestors 'none'");
                    }
                    send(exchange, 200, r.contentType(), resources.get(r.name()));
                }
                case StatusRoute.Refused r -> {
                    if (r.code() == 401) {
                        out.set("WWW-Authenticate", "Bearer realm=\"paqet status\"");
                        if (refusedLog.permit()) {
                            log.warn(
                                    "status endpoint: request from {} without the right token ({} more not logged)",
                                    AddressText.of(exchange.getRemoteAddress()),
                                    refusedLog.takeSuppressed());
                        }
                    }
                    send(exchange, r.code(), "text/plain; charset=utf-8", (r.reason() + "\n").getBytes());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("status endpoint: request from {} failed: {}", exchange.getRemoteAddress(), e.toString());
        }
    }

    private static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    /** The dashboard files, read once from the jar. */
    private static Map<String, byte[]> loadResources() {
        return StatusRouter.RESOURCES.values().stream()
                .collect(Collectors.toUnmodifiableMap(StatusRoute.Resource::name, r -> read(r.name())));
    }

    private static byte[] read(String name) {
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("status endpoint: resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "status-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops listening and ends the request threads; requests in flight get a second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "status endpoint " + AddressText.of(localAddress());
    }
}
