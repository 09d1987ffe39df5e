package org.paqet4j.grpcws.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.paqet4j.grpcws.GrpcWebSocket;
import org.paqet4j.grpcws.GrpcWebSocketBridge;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;
import org.paqet4j.grpcws.demo.StreamRequest;

/**
 * The numbers of docs/BENCHMARKS.md: unary round trips per second and server-streaming MB/s of
 * the browser client in headless Chromium vs the Java client channel, on the same in-process bridge
 * in the same run, alternating rounds so machine load hits both alike. Opt-in (it measures, it
 * does not check speed):
 * {@code scripts/mvn -B -q -o -pl grpcws -am test -Dtest=BrowserVsJavaClientBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false -Dgrpcws.bench=true}
 */
@EnabledIfSystemProperty(named = "grpcws.bench", matches = "true")
class BrowserVsJavaClientBenchmarkTest {

    private static final int ROUNDS = 3;
    private static final int UNARY_CALLS = 2000;
    private static final int STREAM_BYTES = 64 << 20;
    private static final int CHUNK = 64 << 10;

    @Test
    void browserVsJavaClient() throws Exception {
        try (GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                        .direct(new EchoService())
                        .start();
                BrowserDriver browser = BrowserDriver.start()) {
            String http = "http://127.0.0.1:" + bridge.address().getPort();
            String ws = "ws://127.0.0.1:" + bridge.address().getPort() + "/grpc";
            int page = browser.open(http + "/grpcws.js");
            ManagedChannel channel = GrpcWebSocket.channel(URI.create(ws));
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    String[] u = browser.run(page, "unary", "wsUrl", ws, "n", UNARY_CALLS)
                            .split(" ");
                    double browserUnary = UNARY_CALLS / (Double.parseDouble(u[1]) / 1000);
                    double javaUnary = javaUnary(channel);
                    String[] s = browser.run(
                                    page, "stream", "wsUrl", ws, "total", STREAM_BYTES, "chunk", CHUNK, "seed", round)
                            .split(" ");
                    assertThat(s[2]).isEqualTo(s[3]);
                    double browserStream = STREAM_BYTES / 1e6 / (Double.parseDouble(s[4]) / 1000);
                    double javaStream = javaStream(channel, round);
                    System.out.printf(
                            Locale.ROOT,
                            "grpcws bench round %d: unary round trips/s browser %.0f java %.0f; 64 KiB-message stream MB/s browser %.1f java %.1f%n",
                            round,
                            browserUnary,
                            javaUnary,
                            browserStream,
                            javaStream);
                }
            } finally {
                channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
            }
        }
    }

    private static double javaUnary(ManagedChannel channel) {
        EchoMessage ping = EchoMessage.of("ping".getBytes(StandardCharsets.US_ASCII));
        ClientCalls.blockingUnaryCall(
                channel, EchoMethods.UNARY, CallOptions.DEFAULT, ping); // connect outside the timing
        long t0 = System.nanoTime();
        for (int i = 0; i < UNARY_CALLS; i++) {
            assertThat(ClientCalls.blockingUnaryCall(channel, EchoMethods.UNARY, CallOptions.DEFAULT, ping)
                            .size())
                    .isEqualTo(4);
        }
        return UNARY_CALLS / ((System.nanoTime() - t0) / 1e9);
    }

    private static double javaStream(ManagedChannel channel, int seed) {
        long t0 = System.nanoTime();
        long n = 0;
        Iterator<EchoMessage> it = ClientCalls.blockingServerStreamingCall(
                channel, EchoMethods.SERVER_STREAM, CallOptions.DEFAULT, new StreamRequest(STREAM_BYTES, CHUNK, seed));
        while (it.hasNext()) {
            n += it.next().size();
        }
        assertThat(n).isEqualTo(STREAM_BYTES);
        return STREAM_BYTES / 1e6 / ((System.nanoTime() - t0) / 1e9);
    }
}
