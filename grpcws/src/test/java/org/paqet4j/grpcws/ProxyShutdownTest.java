package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;

/**
 * Graceful shutdown in proxy mode: the bridge itself sends GOAWAY through every carried HTTP/2
 * connection (the backend keeps running and would never send one), lets running calls finish,
 * closes a WebSocket with 1001 as soon as its last stream ended and the rest when the grace ends.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProxyShutdownTest {

    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    /** Long enough that a close returning well before it proves the bridge did not wait for it. */
    private static final Duration LONG_GRACE = Duration.ofMinutes(10);

    private Server backend;

    @BeforeEach
    void startBackend() throws IOException {
        backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new EchoService())
                .build()
                .start();
    }

    @AfterEach
    void stopBackend() throws InterruptedException {
        backend.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private GrpcWebSocketBridge bridge(Duration grace) throws IOException {
        return GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(new InetSocketAddress("127.0.0.1", backend.getPort()))
                .limits(BridgeLimits.defaults().withShutdownGrace(grace))
                .start();
    }

    @Test
    void anIdleConnectionGetsGoawayThen1001WithoutWaitingForTheGrace() throws Exception {
        GrpcWebSocketBridge bridge = bridge(LONG_GRACE);
        try (RawWebSocket ws = RawWebSocket.open(bridge.address(), "/grpc", "")) {
            ByteArrayOutputStream preface = new ByteArrayOutputStream();
            preface.write(H2_PREFACE);
            preface.write(EMPTY_SETTINGS);
            ws.send(RawWebSocket.BINARY, true, preface.toByteArray());
            ByteArrayOutputStream h2 = new ByteArrayOutputStream();
            RawWebSocket.Frame settings = ws.read();
            assertThat(settings.opcode()).as("the backend's HTTP/2 SETTINGS").isEqualTo(RawWebSocket.BINARY);
            h2.write(settings.payload());
            CompletableFuture<Void> closing = CompletableFuture.runAsync(bridge::close);
            int closeCode = -1;
            for (RawWebSocket.Frame f; (f = ws.read()) != null; ) {
                if (f.opcode() == RawWebSocket.BINARY || f.opcode() == RawWebSocket.CONTINUATION) {
                    h2.write(f.payload());
                } else if (f.opcode() == RawWebSocket.CLOSE) {
                    closeCode = f.closeCode();
                    break;
                }
            }
            closing.get(1, TimeUnit.MINUTES);
            byte[] bytes = h2.toByteArray();
            byte[] goAway = H2FrameScanner.goAway(Integer.MAX_VALUE);
            assertThat(Arrays.copyOfRange(bytes, bytes.length - goAway.length, bytes.length))
                    .as("the last HTTP/2 frame: GOAWAY, NO_ERROR, last stream 2^31-1")
                    .isEqualTo(goAway);
            assertThat(closeCode).isEqualTo(1001);
            assertThat(bridge.activeConnections()).isZero();
        } finally {
            bridge.close();
        }
    }

    @Test
    void aRunningStreamFinishesCleanlyWhileNewCallsAreRefused() throws Exception {
        GrpcWebSocketBridge bridge = bridge(LONG_GRACE);
        ManagedChannel channel = GrpcWebSocket.channel(
                URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"));
        try {
            LinkedBlockingQueue<EchoMessage> echoes = new LinkedBlockingQueue<>();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            StreamObserver<EchoMessage> bidi = ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(EchoMethods.BIDI, CallOptions.DEFAULT), observer(echoes, ended));
            bidi.onNext(EchoMessage.of(new byte[] {1}));
            assertThat(echoes.poll(1, TimeUnit.MINUTES)).isNotNull();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(bridge::close);
            // The GOAWAY arrived once the channel no longer calls its connection ready.
            BridgeBehaviourTest.await(
                    "the client to take the GOAWAY", () -> channel.getState(false) != ConnectivityState.READY);
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                            channel, EchoMethods.UNARY, CallOptions.DEFAULT, EchoMessage.of(new byte[] {9})))
                    .isInstanceOf(StatusRuntimeException.class)
                    .matches(e -> ((StatusRuntimeException) e).getStatus().getCode() == Status.Code.UNAVAILABLE);

            // The call that was running still works, and ends cleanly.
            bidi.onNext(EchoMessage.of(new byte[] {2, 2}));
            EchoMessage second = echoes.poll(1, TimeUnit.MINUTES);
            assertThat(second).isNotNull();
            assertThat(second.size()).isEqualTo(2);
            assertThat(closing).isNotDone();
            bidi.onCompleted();
            ended.get(1, TimeUnit.MINUTES);
            // Its last stream ended: the WebSocket closes long before the grace would be over.
            closing.get(1, TimeUnit.MINUTES);
            assertThat(bridge.activeConnections()).isZero();
            assertThat(bridge.closedConnections()).isEqualTo(1);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            bridge.close();
        }
    }

    @Test
    void callsStillRunningWhenTheGraceEndsFailUnavailable() throws Exception {
        GrpcWebSocketBridge bridge = bridge(Duration.ofMillis(500));
        ManagedChannel channel = GrpcWebSocket.channel(
                URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"));
        try {
            LinkedBlockingQueue<EchoMessage> echoes = new LinkedBlockingQueue<>();
            CompletableFuture<Void> ended = new CompletableFuture<>();
            StreamObserver<EchoMessage> bidi = ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(EchoMethods.BIDI, CallOptions.DEFAULT), observer(echoes, ended));
            bidi.onNext(EchoMessage.of(new byte[] {1}));
            assertThat(echoes.poll(1, TimeUnit.MINUTES)).isNotNull();
            bridge.close();
            assertThat(ended)
                    .failsWithin(1, TimeUnit.MINUTES)
                    .withThrowableThat()
                    .havingRootCause()
                    .isInstanceOf(StatusRuntimeException.class)
                    .matches(
                            e -> ((StatusRuntimeException) e).getStatus().getCode() == Status.Code.UNAVAILABLE,
                            "status UNAVAILABLE");
            assertThat(bridge.activeConnections()).isZero();
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            bridge.close();
        }
    }

    private static StreamObserver<EchoMessage> observer(
            LinkedBlockingQueue<EchoMessage> echoes, CompletableFuture<Void> ended) {
        return new StreamObserver<>() {
            @Override
            public void onNext(EchoMessage value) {
                echoes.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        };
    }
}
