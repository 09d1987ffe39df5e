package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;
import org.paqet4j.grpcws.demo.StreamRequest;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ShutdownAndPeerTest {

    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private static final MethodDescriptor<byte[], byte[]> WHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("test.Who/Me")
            .setRequestMarshaller(InteropTest.BYTES)
            .setResponseMarshaller(InteropTest.BYTES)
            .build();

    @Test
    void servicesSeeTheClientAddressAndOrigin() throws Exception {
        ServerServiceDefinition who = ServerServiceDefinition.builder("test.Who")
                .addMethod(WHO, ServerCalls.asyncUnaryCall((byte[] req, StreamObserver<byte[]> out) -> {
                    String peer = WebSocketPeer.current()
                            .map(p -> p.address().getAddress().getHostAddress() + " "
                                    + p.origin().orElse("-"))
                            .orElse("none");
                    out.onNext(peer.getBytes(StandardCharsets.UTF_8));
                    out.onCompleted();
                }))
                .build();
        try (GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(who)
                .allowOrigin("https://app.example")
                .start()) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"),
                    ClientOptions.defaults().withHeader("Origin", "https://app.example"));
            try {
                byte[] reply = ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT, new byte[0]);
                assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 https://app.example");
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aDroppedClientCancelsItsCallsAndFreesItsConnection() throws Exception {
        EchoService echo = new EchoService();
        try (GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(echo)
                .start()) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"));
            Iterator<EchoMessage> stream = ClientCalls.blockingServerStreamingCall(
                    channel,
                    EchoMethods.SERVER_STREAM,
                    CallOptions.DEFAULT,
                    new StreamRequest(EchoService.MAX_TOTAL, 64 * 1024, 1));
            assertThat(stream.next().size()).isEqualTo(64 * 1024);
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            BridgeBehaviourTest.await("the server stream cancelled", () -> echo.cancelledCalls("ServerStream") == 1);
            BridgeBehaviourTest.await("the connection released", () -> bridge.activeConnections() == 0);
        }
    }

    @Test
    void shutdownSendsGoawayThenA1001CloseFrame() throws Exception {
        GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(new EchoService())
                .limits(BridgeLimits.defaults().withShutdownGrace(Duration.ofSeconds(2)))
                .start();
        try (RawWebSocket ws = RawWebSocket.open(bridge.address(), "/grpc", "")) {
            ByteArrayOutputStream preface = new ByteArrayOutputStream();
            preface.write(H2_PREFACE);
            preface.write(EMPTY_SETTINGS);
            ws.send(RawWebSocket.BINARY, true, preface.toByteArray());
            ByteArrayOutputStream h2 = new ByteArrayOutputStream();
            RawWebSocket.Frame settings = ws.read();
            assertThat(settings.opcode()).as("the server's HTTP/2 SETTINGS").isEqualTo(RawWebSocket.BINARY);
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
            assertThat(http2FrameTypes(h2.toByteArray())).contains(0x7 /* GOAWAY */);
            assertThat(closeCode).isEqualTo(1001);
            assertThat(bridge.activeConnections()).isZero();
        } finally {
            bridge.close();
        }
    }

    @Test
    void callsInFlightAtShutdownEndUnavailableAfterTheGrace() throws Exception {
        GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(new EchoService())
                .limits(BridgeLimits.defaults().withShutdownGrace(Duration.ofMillis(500)))
                .start();
        ManagedChannel channel = GrpcWebSocket.channel(
                URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"));
        try {
            CompletableFuture<Void> ended = new CompletableFuture<>();
            CompletableFuture<EchoMessage> first = new CompletableFuture<>();
            StreamObserver<EchoMessage> bidi = ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(EchoMethods.BIDI, CallOptions.DEFAULT), new StreamObserver<>() {
                        @Override
                        public void onNext(EchoMessage value) {
                            first.complete(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            bidi.onNext(EchoMessage.of(new byte[] {1}));
            first.get(1, TimeUnit.MINUTES);
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

    /** The types of the HTTP/2 frames in a server-to-client byte stream. */
    private static List<Integer> http2FrameTypes(byte[] b) {
        List<Integer> types = new ArrayList<>();
        int pos = 0;
        while (pos + 9 <= b.length) {
            int len = ((b[pos] & 0xff) << 16) | ((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff);
            types.add(b[pos + 3] & 0xff);
            pos += 9 + len;
        }
        return types;
    }
}
