package org.paqet4j.grpcws.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.paqet4j.grpcws.GrpcWebSocketBridge;
import org.paqet4j.grpcws.demo.EchoService;

/**
 * The browser client (grpcws.js) in the system's headless Chromium against the in-process bridge
 * hosting the demo Echo service: the demo page, unary, a 16 MiB stream, bidi ping-pong, three tabs,
 * cancellation, a server restart, a tab closed mid-stream and 200 open/close cycles. Every test
 * also checks that no page logged a console error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserClientTest {

    private static final Duration PATIENCE = Duration.ofMinutes(2);

    private final EchoService echo = new EchoService();
    private GrpcWebSocketBridge bridge;
    private BrowserDriver browser;

    @BeforeAll
    void start() throws IOException {
        BrowserDriver.requireTools();
        bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(echo)
                .start();
        browser = BrowserDriver.start();
    }

    @AfterAll
    void stop() throws Exception {
        try (GrpcWebSocketBridge b = bridge) {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @AfterEach
    void noConsoleErrors() throws IOException {
        assertThat(browser.consoleErrors()).as("console errors in the pages").isEmpty();
    }

    private String http(GrpcWebSocketBridge b) {
        return "http://127.0.0.1:" + b.address().getPort();
    }

    private String ws(GrpcWebSocketBridge b) {
        return "ws://127.0.0.1:" + b.address().getPort() + "/grpc";
    }

    /** A page of the bridge's origin that runs nothing by itself: the module file shown as text. */
    private int openPage() throws IOException {
        return browser.open(http(bridge) + "/grpcws.js");
    }

    @Test
    void demoPageRunsItsThreeCalls() throws IOException {
        int page = browser.open(http(bridge) + "/demo");
        String result = browser.eval(page, """
                new Promise(resolve => {
                    const pre = document.getElementById('result');
                    const check = () => pre.dataset.done ? resolve(pre.textContent) : setTimeout(check, 50);
                    check();
                })""");
        assertThat(result.strip().split("\n"))
                .containsExactly("unary ok", "stream ok 1048576 " + patternSha256(1 << 20, 7), "bidi ok 100");
        browser.closePage(page);
    }

    @Test
    void unary() throws IOException {
        int page = openPage();
        assertThat(browser.run(page, "unary", "wsUrl", ws(bridge), "n", 100)).startsWith("100 ");
        browser.closePage(page);
    }

    @Test
    void serverStreamOf16MiBIn64KiBMessages() throws IOException {
        int page = openPage();
        String[] r = browser.run(page, "stream", "wsUrl", ws(bridge), "total", 16 << 20, "chunk", 64 << 10, "seed", 11)
                .split(" ");
        assertThat(r[0]).as("bytes").isEqualTo(String.valueOf(16 << 20));
        assertThat(r[1]).as("messages").isEqualTo("256");
        assertThat(r[2])
                .as("SHA-256 computed in the page")
                .isEqualTo(patternSha256(16 << 20, 11))
                .isEqualTo(r[3]);
        browser.closePage(page);
    }

    @Test
    void bidiPingPongOf1000Messages() throws IOException {
        int page = openPage();
        assertThat(browser.run(page, "bidi", "wsUrl", ws(bridge), "n", 1000)).isEqualTo("1000");
        browser.closePage(page);
    }

    @Test
    void threeTabsAtOnce() throws IOException {
        int[] pages = {openPage(), openPage(), openPage()};
        for (int i = 0; i < 3; i++) {
            browser.start(
                    pages[i],
                    "stream" + i,
                    "stream",
                    "wsUrl",
                    ws(bridge),
                    "total",
                    4 << 20,
                    "chunk",
                    64 << 10,
                    "seed",
                    i);
            browser.start(pages[i], "bidi" + i, "bidi", "wsUrl", ws(bridge), "n", 200);
        }
        for (int i = 0; i < 3; i++) {
            String[] r = browser.await("stream" + i).split(" ");
            assertThat(r[0]).isEqualTo(String.valueOf(4 << 20));
            assertThat(r[2]).isEqualTo(patternSha256(4 << 20, i));
            assertThat(browser.await("bidi" + i)).isEqualTo("200");
        }
        for (int p : pages) {
            browser.closePage(p);
        }
    }

    @Test
    void cancellationMidStreamReachesTheServer() throws IOException {
        int page = openPage();
        long before = echo.cancelledCalls("ServerStream");
        assertThat(browser.run(page, "cancelMidStream", "wsUrl", ws(bridge), "afterBytes", 1 << 20))
                .startsWith("CANCELLED ");
        // The socket is still open: the server learnt of the cancellation from RST_STREAM.
        waitFor("the server sees the call CANCELLED", () -> echo.cancelledCalls("ServerStream") == before + 1);
        browser.run(page, "closeCancelClient");
        browser.closePage(page);
    }

    @Test
    void serverRestartFailsThePendingCallUnavailableAndTheNextCallWorks() throws Exception {
        InetSocketAddress address;
        GrpcWebSocketBridge first = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(new EchoService())
                .start();
        address = first.address();
        int page;
        try {
            page = browser.open(http(first) + "/grpcws.js");
            assertThat(browser.run(page, "startPending", "wsUrl", ws(first))).isEqualTo("started");
        } finally {
            first.close();
        }
        assertThat(browser.run(page, "awaitPending")).startsWith("UNAVAILABLE");
        try (GrpcWebSocketBridge second =
                GrpcWebSocketBridge.builder(address).direct(new EchoService()).start()) {
            assertThat(browser.run(page, "unaryOnPendingClient")).isEqualTo("3");
            browser.closePage(page);
            waitFor("the restarted bridge has no connection left", () -> second.activeConnections() == 0);
        }
    }

    @Test
    void tabClosedMidStreamLeavesNoConnection() throws IOException {
        waitFor("no connection before the test", () -> bridge.activeConnections() == 0);
        long before = echo.cancelledCalls("ServerStream");
        int page = openPage();
        assertThat(browser.run(page, "startPending", "wsUrl", ws(bridge))).isEqualTo("started");
        assertThat(bridge.activeConnections()).isEqualTo(1);
        browser.closePage(page);
        waitFor("the bridge's connection count back to 0", () -> bridge.activeConnections() == 0);
        waitFor(
                "the stream the tab carried ended CANCELLED on the server",
                () -> echo.cancelledCalls("ServerStream") == before + 1);
    }

    @Test
    void twoHundredOpenCloseCyclesLeaveHeapThreadsAndFdsAtBaseline() throws IOException {
        int page = openPage();
        // Warm up: JIT, the module cache and the bridge's event loop threads all settle first.
        browser.run(page, "cycles", "wsUrl", ws(bridge), "n", 20);
        waitFor("no connection after the warm-up", () -> bridge.activeConnections() == 0);
        long heap0 = browser.heapUsed(page);
        int threads0 = threads();
        long fds0 = fds();
        assertThat(browser.run(page, "cycles", "wsUrl", ws(bridge), "n", 200)).isEqualTo("200");
        waitFor("no connection after 200 cycles", () -> bridge.activeConnections() == 0);
        waitFor("bridge threads back to " + threads0, () -> threads() <= threads0);
        waitFor("bridge file descriptors back to " + fds0, () -> fds() <= fds0);
        long heap1 = browser.heapUsed(page);
        assertThat(heap1)
                .as("JSHeapUsedSize after 200 cycles (it was %d before)", heap0)
                .isLessThan(heap0 + 512 * 1024);
        browser.closePage(page);
    }

    private static int threads() {
        return Thread.getAllStackTraces().size();
    }

    private static long fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting " + PATIENCE + " for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what, e);
            }
        }
    }

    /** SHA-256 of the demo stream's bytes: byte k is (k * 31 + seed) & 0xff. */
    static String patternSha256(int total, int seed) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[total];
            for (int k = 0; k < total; k++) {
                buf[k] = (byte) (k * 31 + seed);
            }
            return HexFormat.of().formatHex(sha.digest(buf));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
