package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bridge's HTTP and WebSocket rules seen from a bare client: status codes, close codes, limits, keepalive. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BridgeBehaviourTest {

    private SinkBackend backend;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startBackend() throws IOException {
        backend = new SinkBackend();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        backend.close();
    }

    private GrpcWebSocketBridge bridge(BridgeLimits limits) throws IOException {
        GrpcWebSocketBridge b = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(backend.address())
                .limits(limits)
                .allowOrigin("https://app.example")
                .start();
        closeables.add(b);
        return b;
    }

    private RawWebSocket ws(GrpcWebSocketBridge b, String extraHeaders) throws IOException {
        RawWebSocket s = RawWebSocket.open(b.address(), "/grpc", extraHeaders);
        closeables.add(s);
        return s;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
            Thread.sleep(10);
        }
    }

    @Test
    void upgradesWithoutASubprotocolAndCarriesBinaryMessagesToTheBackend() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        RawWebSocket s = ws(b, "");
        assertThat(s.status).isEqualTo(101);
        s.send(RawWebSocket.BINARY, false, new byte[1000]);
        s.send(RawWebSocket.CONTINUATION, true, new byte[500]);
        s.send(RawWebSocket.BINARY, true, new byte[24]);
        await("1524 bytes at the backend", () -> backend.bytesReceived() == 1524);
        s.send(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe8});
        assertThat(s.awaitClose()).isEqualTo(1000);
        await("connection released", () -> b.activeConnections() == 0 && backend.openConnections() == 0);
        assertThat(b.closedConnections()).isEqualTo(1);
    }

    @Test
    void invalidUpgradesGet400Or426() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        InetSocketAddress a = b.address();
        try (RawWebSocket plainGet = RawWebSocket.request(a, "GET /grpc HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(plainGet.status).isEqualTo(426);
        }
        try (RawWebSocket noKey = RawWebSocket.request(
                a,
                "GET /grpc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n")) {
            assertThat(noKey.status).isEqualTo(400);
        }
        try (RawWebSocket oldVersion = RawWebSocket.request(
                a,
                "GET /grpc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 8\r\n\r\n")) {
            assertThat(oldVersion.status).isEqualTo(426);
            assertThat(oldVersion.responseHead).containsIgnoringCase("Sec-WebSocket-Version: 13");
        }
        try (RawWebSocket post =
                RawWebSocket.request(a, "POST /grpc HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(post.status).isEqualTo(400);
        }
        try (RawWebSocket garbage = RawWebSocket.request(a, "\u0001\u0002 nonsense\r\n\r\n")) {
            assertThat(garbage.status).isEqualTo(400);
        }
        assertThat(b.activeConnections()).isZero();
        assertThat(b.trackedAddresses()).isZero();
    }

    @Test
    void staticFilesAreOnlyTheFixedNames() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        try (RawWebSocket js = RawWebSocket.request(b.address(), "GET /grpcws.js HTTP/1.1\r\nHost: x\r\n\r\n")) {
            assertThat(js.status).isEqualTo(200);
            assertThat(js.responseHead).containsIgnoringCase("Content-Type: text/javascript");
            byte[] want;
            try (var in = getClass().getClassLoader().getResourceAsStream("paqet4j/grpcws/web/grpcws.js")) {
                want = in.readAllBytes();
            }
            assertThat(js.body()).isEqualTo(new String(want, StandardCharsets.UTF_8));
        }
        for (String path : List.of(
                "/grpcws.js/../pom.xml",
                "/../../etc/passwd",
                "/demo.html",
                "/paqet4j/grpcws/web/demo.js",
                "/%2e%2e/etc/passwd",
                "/")) {
            try (RawWebSocket r = RawWebSocket.request(b.address(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")) {
                assertThat(r.status).as(path).isEqualTo(404);
            }
        }
    }

    @Test
    void originsNotAllowedGet403() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        try (RawWebSocket evil = RawWebSocket.open(b.address(), "/grpc", "Origin: https://evil.example\r\n")) {
            assertThat(evil.status).isEqualTo(403);
        }
        assertThat(ws(b, "Origin: https://app.example\r\n").status).isEqualTo(101);
        String self = "http://127.0.0.1:" + b.address().getPort();
        assertThat(ws(b, "Origin: " + self + "\r\n").status)
                .as("a page the bridge served itself")
                .isEqualTo(101);
        assertThat(ws(b, "").status).as("no Origin: not a browser").isEqualTo(101);
    }

    @Test
    void overTheConnectionCapsGets429() throws Exception {
        GrpcWebSocketBridge total = bridge(BridgeLimits.defaults().withConnectionCaps(2, 100));
        assertThat(ws(total, "").status).isEqualTo(101);
        RawWebSocket second = ws(total, "");
        assertThat(second.status).isEqualTo(101);
        assertThat(ws(total, "").status).isEqualTo(429);
        second.send(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe8});
        assertThat(second.awaitClose()).isEqualTo(1000);
        await("slot released", () -> total.activeConnections() == 1);
        assertThat(ws(total, "").status).as("a freed slot is reusable").isEqualTo(101);

        GrpcWebSocketBridge perIp = bridge(BridgeLimits.defaults().withConnectionCaps(100, 1));
        assertThat(ws(perIp, "").status).isEqualTo(101);
        assertThat(ws(perIp, "").status).isEqualTo(429);

        GrpcWebSocketBridge rate = bridge(BridgeLimits.defaults().withUpgradesPerIpPerMinute(3));
        for (int i = 0; i < 3; i++) {
            try (RawWebSocket s = RawWebSocket.open(rate.address(), "/grpc", "")) {
                assertThat(s.status).isEqualTo(101);
            }
        }
        assertThat(ws(rate, "").status).as("fourth upgrade within the minute").isEqualTo(429);
    }

    @Test
    void aMessageOverTheReadLimitIsClosedWith1009() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults().withReadLimitBytes(64 * 1024));
        RawWebSocket oneFrame = ws(b, "");
        oneFrame.send(RawWebSocket.BINARY, true, new byte[100 * 1024]);
        assertThat(oneFrame.awaitClose()).isEqualTo(1009);

        RawWebSocket fragmented = ws(b, "");
        fragmented.send(RawWebSocket.BINARY, false, new byte[40 * 1024]);
        fragmented.send(RawWebSocket.CONTINUATION, true, new byte[40 * 1024]);
        assertThat(fragmented.awaitClose()).isEqualTo(1009);

        RawWebSocket withinLimit = ws(b, "");
        withinLimit.send(RawWebSocket.BINARY, true, new byte[60 * 1024]);
        withinLimit.send(RawWebSocket.BINARY, true, new byte[60 * 1024]);
        await("both messages at the backend", () -> backend.bytesReceived() >= 120 * 1024);
        await("only the one that stayed within the limit open", () -> b.activeConnections() == 1);
    }

    @Test
    void aTextMessageEndsTheStream() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        RawWebSocket s = ws(b, "");
        s.send(RawWebSocket.TEXT, true, "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(s.awaitClose()).isEqualTo(1000);
        await("connection released", () -> b.activeConnections() == 0 && backend.openConnections() == 0);
    }

    @Test
    void aSilentPeerIsPingedThenClosedWith1001() throws Exception {
        GrpcWebSocketBridge b =
                bridge(BridgeLimits.defaults().withKeepalive(Duration.ofMillis(200), Duration.ofMillis(800)));
        RawWebSocket s = ws(b, "");
        RawWebSocket.Frame first = s.read();
        assertThat(first.opcode()).isEqualTo(RawWebSocket.PING);
        assertThat(s.awaitClose()).isEqualTo(1001);
        await("connection released", () -> b.activeConnections() == 0);
    }

    @Test
    void anyInboundFrameCountsAsLife() throws Exception {
        GrpcWebSocketBridge b =
                bridge(BridgeLimits.defaults().withKeepalive(Duration.ofSeconds(1), Duration.ofSeconds(3)));
        RawWebSocket s = ws(b, "");
        s.setReadTimeoutMillis(50);
        // Data every 100 ms and never a pong: the bridge's pings go unanswered, data keeps it open.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() - end < 0) {
            s.send(RawWebSocket.BINARY, true, new byte[8]);
            try {
                RawWebSocket.Frame f = s.read();
                assertThat(f).isNotNull();
                assertThat(f.opcode()).as("no close while data flows").isNotEqualTo(RawWebSocket.CLOSE);
            } catch (SocketTimeoutException quiet) {
                // nothing from the bridge: fine
            }
        }
        assertThat(b.activeConnections()).isEqualTo(1);
        s.setReadTimeoutMillis(60_000);
        assertThat(s.awaitClose()).as("silence after the data stops").isEqualTo(1001);
    }

    @Test
    void everyConnectionClosesOnceWhicheverSideEndsIt() throws Exception {
        GrpcWebSocketBridge b = bridge(BridgeLimits.defaults());
        int n = 30;
        List<RawWebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sockets.add(ws(b, ""));
        }
        await("all connected to the backend", () -> backend.openConnections() == n);
        // Both ends at once: a close frame and a dropped TCP connection from the client while the
        // backend drops its side of every other one.
        for (int i = 0; i < n; i++) {
            RawWebSocket s = sockets.get(i);
            s.send(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xe8});
            s.close();
        }
        backend.close();
        await("all released", () -> b.activeConnections() == 0);
        assertThat(b.closedConnections()).isEqualTo(n);
        assertThat(b.trackedAddresses()).as("only the rate window of 127.0.0.1").isEqualTo(1);
    }
}
