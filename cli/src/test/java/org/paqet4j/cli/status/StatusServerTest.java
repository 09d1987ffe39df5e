package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status endpoint over a real loopback socket: auth, caps, methods, content and the dashboard's files. */
class StatusServerTest {

    static final String TOKEN = "status-server-test-token";

    static StatusReport sample() {
        return new StatusReport(
                "server",
                "paqet",
                "0.1.0-test",
                42,
                1_700_000_000_000L,
                new StatusReport.Carrier("UDP", "none", 10, 1000, 12, 1200, 1),
                List.of(new StatusReport.Session(
                        "127.0.0.1:40000", 7, 40, 12, 200, 32, 1024, 1024, 3, 0, 0, 5000, 6000, 10, 12, 2, 1)),
                List.of(),
                List.of(new StatusReport.Limit("max_sessions", 128, 1)),
                List.of(
                        new StatusReport.Counter("server_dials", Map.of("result", "denied"), 3),
                        new StatusReport.Counter("kcp_bytes_sent", Map.of(), 5000)));
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private StatusServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    private URI start(Optional<String> token) throws IOException {
        server = StatusServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, StatusServerTest::sample);
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort());
    }

    private HttpResponse<String> get(URI base, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesStatusMetricsAndTheDashboardWithoutToken() throws Exception {
        URI base = start(Optional.empty());

        HttpResponse<String> status = get(base, "/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(StatusClient.parse(status.body())).isEqualTo(sample());

        HttpResponse<String> metrics = get(base, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        Map<String, Double> samples = PrometheusText.parse(metrics.body());
        assertThat(samples).containsEntry("paqet_server_dials_total{result=\"denied\"}", 3.0);
        assertThat(samples).containsEntry("paqet_kcp_bytes_sent_total", 5000.0);
        assertThat(samples).containsEntry("paqet_session_rtt_seconds{conv=\"7\",peer=\"127.0.0.1:40000\"}", 0.012);
        assertThat(samples).containsKey("jvm_threads_current");
        assertThat(samples.keySet()).anyMatch(k -> k.startsWith("process_resident_memory_bytes"));

        HttpResponse<String> page = get(base, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
        assertThat(page.body()).contains("<script src=\"dashboard.js\"", "href=\"dashboard.css\"");
        HttpResponse<String> script = get(base, "/dashboard.js");
        assertThat(script.statusCode()).isEqualTo(200);
        // The script reads the JSON fields the report has.
        assertThat(script.body()).contains("fetch(\"status\"", "rttMs", "bytesSent", "sessions", "counters");
        assertThat(get(base, "/dashboard.css").statusCode()).isEqualTo(200);

        assertThat(get(base, "/../pom.xml").statusCode()).isEqualTo(404);
        assertThat(get(base, "/dashboard.html").statusCode()).isEqualTo(404);
    }

    @Test
    void tokenIsRequiredWhenConfigured() throws Exception {
        URI base = start(Optional.of(TOKEN));
        for (String path : List.of("/status", "/metrics", "/nothing")) {
            HttpResponse<String> none = get(base, path);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(none.body()).doesNotContain("127.0.0.1:40000");
            assertThat(get(base, path, "Authorization", "Bearer not-the-token").statusCode())
                    .isEqualTo(401);
        }
        // The dashboard's files are served without it (they hold no data) and do not contain it.
        for (String path : List.of("/", "/dashboard.js", "/dashboard.css")) {
            HttpResponse<String> page = get(base, path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).doesNotContain(TOKEN).doesNotContain("127.0.0.1:40000");
        }
        HttpResponse<String> ok = get(base, "/status", "Authorization", "Bearer " + TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).doesNotContain(TOKEN);
        assertThat(get(base, "/metrics", "Authorization", "Bearer " + TOKEN).body())
                .doesNotContain(TOKEN);
    }

    @Test
    void refusesOtherMethodsAndAnswersHeadWithoutBody() throws Exception {
        URI base = start(Optional.empty());
        HttpResponse<String> post = http.send(
                HttpRequest.newBuilder(base.resolve("/status"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(base.resolve("/status"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void capsRequestTargetAndHeaders() throws Exception {
        URI base = start(Optional.empty());
        assertThat(get(base, "/" + "a".repeat(300)).statusCode()).isEqualTo(414);
        String[] many = new String[2 * (StatusRouter.MAX_HEADERS + 1)];
        for (int i = 0; i < StatusRouter.MAX_HEADERS + 1; i++) {
            many[2 * i] = "X-Pad-" + i;
            many[2 * i + 1] = "v";
        }
        assertThat(get(base, "/status", many).statusCode()).isEqualTo(431);
        assertThat(get(base, "/status", "X-Big", "b".repeat(StatusRouter.MAX_HEADER_BYTES + 1))
                        .statusCode())
                .isEqualTo(431);
    }

    @Test
    void aGarbageRequestDoesNotStopTheEndpoint() throws Exception {
        URI base = start(Optional.empty());
        try (Socket s = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("\u0000\u00ff garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            in.readAllBytes(); // whatever the JDK answers, it closes
        } catch (IOException expected) {
            // a reset is a fine answer too
        }
        assertThat(get(base, "/status").statusCode()).isEqualTo(200);
    }
}
