package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.Paqet;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.run.TunnelLauncher;

/**
 * A client and a server over the UDP carrier on loopback, each with its status endpoint: a
 * download through SOCKS5 and a denied target, then {@code /metrics} and {@code /status} on both
 * sides and {@code paqet status} (table, --json, --watch ended by SIGINT).
 */
class StatusEndToEndTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int DOWNLOAD = 4 << 20;
    private static final String KEY = "status end-to-end test";

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
            Thread.sleep(50);
        }
    }

    @Test
    void metricsAndStatusShowTheTransferOnBothSides() throws Exception {
        int tunnelPort = freePort();
        int socksPort = freePort();
        int serverStatusPort = freePort();
        int clientStatusPort = freePort();
        try (ServerSocket source = new ServerSocket(0, 16, LOOPBACK);
                HttpClient http = HttpClient.newHttpClient()) {
            Thread.ofVirtual().start(() -> serveDownloads(source));
            PaqetConfig serverConfig = ConfigLoader.parse("server.yaml", """
                    role: server
                    listen:
                      addr: "127.0.0.1:%d"
                    network:
                      carrier: udp
                      ipv4:
                        addr: "127.0.0.1:%d"
                    transport:
                      protocol: kcp
                      kcp:
                        block: aes
                        key: "%s"
                    status:
                      listen: "127.0.0.1:%d"
                      token: "%s"
                    access:
                      deny: ["127.0.0.2"]
                    """.formatted(
                                    tunnelPort, tunnelPort, KEY, serverStatusPort, StatusServerTest.TOKEN))
                    .config();
            Path clientFile = Files.writeString(
                    dir.resolve("client.yaml"), """
                    role: client
                    socks5:
                      - listen: "127.0.0.1:%d"
                    network:
                      carrier: udp
                      ipv4:
                        addr: "127.0.0.1:0"
                    server:
                      addr: "127.0.0.1:%d"
                    transport:
                      protocol: kcp
                      conn: 1
                      kcp:
                        block: aes
                        key: "%s"
                    status:
                      listen: "127.0.0.1:%d"
                    """.formatted(socksPort, tunnelPort, KEY, clientStatusPort));
            PaqetConfig clientConfig = ConfigLoader.load(clientFile).config();

            TunnelLauncher.Server server = TunnelLauncher.startServer(serverConfig);
            try (AutoCloseable stopServer = () -> server.runtime().shutdown(Duration.ofSeconds(5));
                    StatusServer serverStatus = StatusServer.start(
                            new InetSocketAddress(LOOPBACK, serverStatusPort),
                            serverConfig.status().token(),
                            server.status()::report)) {
                TunnelLauncher.Client client = TunnelLauncher.startClient(clientConfig, true);
                try (AutoCloseable stopClient = () -> client.runtime().shutdown(Duration.ofSeconds(5));
                        StatusServer clientStatus = StatusServer.start(
                                new InetSocketAddress(LOOPBACK, clientStatusPort),
                                Optional.empty(),
                                client.status()::report)) {
                    assertThat(client.runtime().client().awaitConnected(Duration.ofSeconds(60)))
                            .isTrue();

                    assertThat(download(socksPort, "7f000001", source.getLocalPort()))
                            .isEqualTo(DOWNLOAD);
                    // 127.0.0.2 is denied by the server's access rules: paqet's protocol has no dial
                    // result, the stream (and so the SOCKS5 connection) just ends without data.
                    try (Socket denied = socks(socksPort, "7f000002", source.getLocalPort())) {
                        denied.getInputStream().readNBytes(10);
                        assertThat(denied.getInputStream().read()).isEqualTo(-1);
                    }

                    URI serverBase = URI.create("http://127.0.0.1:" + serverStatusPort + "/");
                    URI clientBase = URI.create("http://127.0.0.1:" + clientStatusPort + "/");
                    await(
                            "the server to count the denial",
                            () -> metric(
                                            http,
                                            serverBase,
                                            StatusServerTest.TOKEN,
                                            "paqet_server_dials_total{result=\"denied\"}")
                                    >= 1);
                    Map<String, Double> s = scrape(http, serverBase, StatusServerTest.TOKEN);
                    Map<String, Double> c = scrape(http, clientBase, null);
                    assertThat(s.get("paqet_kcp_bytes_sent_total")).isGreaterThanOrEqualTo(DOWNLOAD);
                    assertThat(s.get("paqet_carrier_bytes_sent_total")).isGreaterThanOrEqualTo(DOWNLOAD);
                    assertThat(s.get("paqet_server_access_denied_total")).isGreaterThanOrEqualTo(1);
                    assertThat(s.get("paqet_server_dials_total{result=\"ok\"}")).isGreaterThanOrEqualTo(1);
                    assertThat(s.get("paqet_kcp_sessions")).isEqualTo(1);
                    // nothing stalled here: the counter is exported, and zero
                    assertThat(s.get("paqet_mux_backlog_resets_total")).isZero();
                    assertThat(c.get("paqet_mux_backlog_resets_total")).isZero();
                    assertThat(c.get("paqet_kcp_bytes_received_total")).isGreaterThanOrEqualTo(DOWNLOAD);
                    assertThat(c.get("paqet_carrier_bytes_received_total")).isGreaterThanOrEqualTo(DOWNLOAD);
                    assertThat(c.get("paqet_socks5_connections_total{listener=\"127.0.0.1:" + socksPort + "\"}"))
                            .isGreaterThanOrEqualTo(2);
                    // The download and the denied target both got a success reply (the dial's result is
                    // not part of paqet's protocol).
                    assertThat(c.get("paqet_socks5_handshakes_total{listener=\"127.0.0.1:" + socksPort
                                    + "\",result=\"ok\"}"))
                            .isGreaterThanOrEqualTo(2);
                    assertThat(c.keySet())
                            .anyMatch(k -> k.startsWith("paqet_session_rtt_seconds{")
                                    && k.contains("peer=\"127.0.0.1:" + tunnelPort + "\""));
                    assertThat(s.keySet()).anyMatch(k -> k.startsWith("paqet_session_rtt_seconds{"));

                    // The server's status needs the token; without it nothing is revealed.
                    HttpResponse<String> unauthorized = http.send(
                            HttpRequest.newBuilder(serverBase.resolve("/status"))
                                    .build(),
                            ofString());
                    assertThat(unauthorized.statusCode()).isEqualTo(401);
                    // The tunnel key never appears on the status port.
                    String serverJson = get(http, serverBase.resolve("/status"), StatusServerTest.TOKEN);
                    assertThat(serverJson).doesNotContain(KEY);
                    assertThat(get(http, serverBase.resolve("/metrics"), StatusServerTest.TOKEN))
                            .doesNotContain(KEY);
                    // Both reports conform to the documented schema (an independent validator).
                    StatusSchema schema = StatusSchema.load();
                    assertThat(schema.violations(serverJson))
                            .as("server /status")
                            .isEmpty();
                    assertThat(schema.violations(get(http, clientBase.resolve("/status"), null)))
                            .as("client /status")
                            .isEmpty();
                    StatusReport serverReport = StatusClient.parse(serverJson);
                    assertThat(serverReport.role()).isEqualTo("server");
                    assertThat(serverReport.sessions()).hasSize(1);
                    assertThat(serverReport.sessions().getFirst().bytesSent()).isGreaterThanOrEqualTo(DOWNLOAD);

                    // paqet status, in process: the summary table and --json.
                    String table = paqetStatus("status", "-c", clientFile.toString());
                    assertThat(table)
                            .contains(
                                    "paqet client",
                                    "1 session(s)",
                                    "127.0.0.1:" + tunnelPort,
                                    "socks5",
                                    "127.0.0.1:" + socksPort);
                    StatusReport viaJson =
                            StatusClient.parse(paqetStatus("status", "--url", clientBase.toString(), "--json"));
                    assertThat(viaJson.role()).isEqualTo("client");
                    assertThat(viaJson.sessions().getFirst().bytesReceived()).isGreaterThanOrEqualTo(DOWNLOAD);
                    assertThat(paqetStatus(
                                    "status",
                                    "--url",
                                    serverBase.toString(),
                                    "--token",
                                    StatusServerTest.TOKEN,
                                    "--json"))
                            .contains("\"role\" : \"server\"");

                    watchExitsZeroOnSigint(clientBase);
                }
            }
        }
    }

    /**
     * {@code paqet status --watch} on a terminal, as a person runs it: under {@code script}'s
     * pseudo-terminal, ended by typing Ctrl-C, which the terminal turns into SIGINT; it exits 0.
     */
    private void watchExitsZeroOnSigint(URI base) throws Exception {
        List<String> paqet = List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                Paqet.class.getName(),
                "status",
                "--url",
                base.toString(),
                "--watch");
        String shellCommand = "exec "
                + String.join(
                        " ",
                        paqet.stream()
                                .map(a -> "'" + a.replace("'", "'\\''") + "'")
                                .toList());
        Process watch = new ProcessBuilder("script", "-q", "-f", "-e", "-c", shellCommand, "/dev/null")
                .redirectErrorStream(true)
                .start();
        try {
            InputStream out = watch.getInputStream();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            // Two screens: it redraws, each one starts with the clear-screen sequence.
            while (count(seen.toString(StandardCharsets.UTF_8), "\033[H\033[2J") < 2) {
                int b = out.read();
                assertThat(b).as("watch output so far: %s", seen).isNotNegative();
                seen.write(b);
            }
            assertThat(seen.toString(StandardCharsets.UTF_8)).contains("paqet client");
            watch.getOutputStream().write(3); // Ctrl-C on the terminal
            watch.getOutputStream().flush();
            assertThat(watch.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.exitValue()).as("exit status through script -e").isZero();
        } finally {
            watch.destroyForcibly();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String paqetStatus(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Paqet.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        assertThat(code).as("paqet %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static HttpResponse.BodyHandler<String> ofString() {
        return HttpResponse.BodyHandlers.ofString();
    }

    private static String get(HttpClient http, URI uri, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), ofString());
            assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(uri + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<String, Double> scrape(HttpClient http, URI base, String token) {
        return PrometheusText.parse(get(http, base.resolve("/metrics"), token));
    }

    private static double metric(HttpClient http, URI base, String token, String key) {
        return scrape(http, base, token).getOrDefault(key, 0.0);
    }

    /** Downloads everything the source sends through SOCKS5; returns the byte count. */
    private static long download(int socksPort, String ipHex, int port) throws IOException {
        try (Socket s = socks(socksPort, ipHex, port)) {
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(10);
            assertThat(reply[1]).as("SOCKS5 reply").isZero();
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
            }
            return n;
        }
    }

    static Socket socks(int socksPort, String ipHex, int port) throws IOException {
        Socket s = new Socket(LOOPBACK, socksPort);
        s.setSoTimeout(60_000);
        s.getOutputStream().write(HexFormat.of().parseHex("050100" + "05010001" + ipHex + String.format("%04x", port)));
        assertThat(s.getInputStream().readNBytes(2)).containsExactly(5, 0);
        return s;
    }

    static void serveDownloads(ServerSocket source) {
        byte[] chunk = new byte[64 * 1024];
        while (!source.isClosed()) {
            try {
                Socket s = source.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        for (int sent = 0; sent < DOWNLOAD; sent += chunk.length) {
                            s.getOutputStream().write(chunk);
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }
}
