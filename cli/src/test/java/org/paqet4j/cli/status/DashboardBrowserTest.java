package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.run.TunnelLauncher;

/**
 * The dashboard in the system's headless Chromium (src/test/web/dashboard.mjs, puppeteer-core)
 * against a client's status endpoint while downloads run through the tunnel (UDP carrier on
 * loopback): a session row appears, the throughput chart has a drawn series in a screenshot, and
 * the page logs no console error. The endpoint has a token, given to the page in the URL fragment
 * as a user would: the page's requests for data carry it, and it leaves the address bar.
 */
class DashboardBrowserTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String KEY = "dashboard browser test";
    private static final String TOKEN = "dashboard-test-token-5c1f";

    @Test
    void showsTheSessionAndALiveThroughputChart() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isDirectory(MODULE.resolve("node_modules/puppeteer-core"))) {
            throw new IllegalStateException("the dashboard test needs " + CHROMIUM
                    + " and cli/node_modules/puppeteer-core; run scripts/install-test-deps (as root) first");
        }
        int tunnelPort = StatusEndToEndTest.freePort();
        int socksPort = StatusEndToEndTest.freePort();
        int statusPort = StatusEndToEndTest.freePort();
        PaqetConfig serverConfig = ConfigLoader.parse("server.yaml", """
                role: server
                listen: {addr: "127.0.0.1:%d"}
                network:
                  carrier: udp
                  ipv4: {addr: "127.0.0.1:%d"}
                transport:
                  kcp: {key: "%s"}
                """.formatted(tunnelPort, tunnelPort, KEY))
                .config();
        PaqetConfig clientConfig = ConfigLoader.parse("client.yaml", """
                role: client
                socks5: [{listen: "127.0.0.1:%d"}]
                network:
                  carrier: udp
                  ipv4: {addr: "127.0.0.1:0"}
                server: {addr: "127.0.0.1:%d"}
                transport:
                  conn: 1
                  kcp: {key: "%s"}
                """.formatted(socksPort, tunnelPort, KEY))
                .config();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong downloaded = new AtomicLong();
        TunnelLauncher.Server server = TunnelLauncher.startServer(serverConfig);
        try (ServerSocket source = new ServerSocket(0, 16, LOOPBACK);
                AutoCloseable stopServer = () -> server.runtime().shutdown(Duration.ofSeconds(5))) {
            Thread.ofVirtual().start(() -> StatusEndToEndTest.serveDownloads(source));
            TunnelLauncher.Client client = TunnelLauncher.startClient(clientConfig, true);
            try (AutoCloseable stopClient = () -> client.runtime().shutdown(Duration.ofSeconds(5));
                    StatusServer status = StatusServer.start(
                            new InetSocketAddress(LOOPBACK, statusPort), Optional.of(TOKEN), client.status()::report)) {
                assertThat(client.runtime().client().awaitConnected(Duration.ofSeconds(60)))
                        .isTrue();
                Thread downloads = Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        try (Socket s = StatusEndToEndTest.socks(socksPort, "7f000001", source.getLocalPort())) {
                            InputStream in = s.getInputStream();
                            in.readNBytes(10);
                            byte[] buf = new byte[64 * 1024];
                            for (int r; running.get() && (r = in.read(buf)) > 0; ) {
                                downloaded.addAndGet(r);
                            }
                        } catch (IOException e) {
                            // the tunnel is shutting down at the end of the test
                        }
                    }
                });
                Path screenshot = MODULE.resolve("target/dashboard-throughput.png");
                Files.createDirectories(screenshot.getParent());
                Process node = new ProcessBuilder(
                                "node",
                                "src/test/web/dashboard.mjs",
                                "http://127.0.0.1:" + statusPort + "/#token=" + TOKEN,
                                screenshot.toString())
                        .directory(MODULE.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                String out;
                try {
                    out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
                } finally {
                    node.destroyForcibly();
                    running.set(false);
                }
                assertThat(node.exitValue()).as("dashboard.mjs output: %s", out).isZero();
                JsonNode result = new ObjectMapper()
                        .readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
                assertThat(result.get("errors")).as("console errors").isEmpty();
                assertThat(result.get("error").asText())
                        .as("the page's own error line")
                        .isEmpty();
                assertThat(result.get("location").asText())
                        .as("the page's address after it read the token")
                        .isEqualTo("http://127.0.0.1:" + statusPort + "/");
                assertThat(result.get("rows")).hasSize(1);
                assertThat(result.get("rows").get(0).asText()).startsWith("127.0.0.1:" + tunnelPort);
                // A chart without a series has none of these pixels; five samples of a five-minute window
                // are a short line, 83 pixels in the slowest run seen, so the bound only asks for a line.
                assertThat(result.get("seriesPixels").asInt())
                        .as("pixels of the sent/received lines in %s", screenshot)
                        .isGreaterThan(20);
                assertThat(Files.size(screenshot)).isPositive();
                assertThat(downloaded.get()).isPositive();
                downloads.join(Duration.ofSeconds(30));
            }
        }
    }
}
