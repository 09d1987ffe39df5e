package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;

/**
 * The scenarios a gRPC-over-WebSocket tunnel has to survive, end to end: Java client channel,
 * bridge in proxy mode, a grpc-java backend on TCP.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TunnelScenariosTest {

    private int backendPort;
    private Server backend;
    private GrpcWebSocketBridge bridge;
    private URI url;

    private Server startBackend(int port) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(new EchoService())
                .maxInboundMessageSize(16 << 20)
                .build()
                .start();
    }

    @BeforeEach
    void start() throws IOException {
        backend = startBackend(0);
        backendPort = backend.getPort();
        bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(new InetSocketAddress("127.0.0.1", backendPort))
                .limits(BridgeLimits.defaults().withUpgradesPerIpPerMinute(5000))
                .start();
        url = URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc");
    }

    @AfterEach
    void stop() throws InterruptedException {
        bridge.close();
        backend.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    private ManagedChannel channel() {
        return GrpcWebSocket.channel(url, ClientOptions.defaults(), b -> b.maxInboundMessageSize(16 << 20));
    }

    private static EchoMessage unary(ManagedChannel channel, byte[] payload) {
        return ClientCalls.blockingUnaryCall(
                channel,
                EchoMethods.UNARY,
                CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                EchoMessage.of(payload));
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        assertThat(channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void sequentialRequestsShareOneWebSocket() throws Exception {
        ManagedChannel channel = channel();
        try {
            for (int i = 0; i < 200; i++) {
                byte[] p = ("request " + i).getBytes();
                assertThat(unary(channel, p).payload()).isEqualTo(p);
            }
            assertThat(bridge.activeConnections()).isEqualTo(1);
        } finally {
            close(channel);
        }
    }

    @Test
    void fiftyConcurrentConnections() throws Exception {
        List<ManagedChannel> channels = new ArrayList<>();
        try {
            List<CompletableFuture<EchoMessage>> replies = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ManagedChannel c = channel();
                channels.add(c);
                CompletableFuture<EchoMessage> reply = new CompletableFuture<>();
                ClientCalls.asyncUnaryCall(
                        c.newCall(EchoMethods.UNARY, CallOptions.DEFAULT),
                        EchoMessage.of(new byte[] {(byte) i}),
                        InteropTest.observer(reply));
                replies.add(reply);
            }
            for (int i = 0; i < 50; i++) {
                assertThat(replies.get(i).get(2, TimeUnit.MINUTES).payload()).containsExactly((byte) i);
            }
            assertThat(bridge.activeConnections()).isEqualTo(50);
        } finally {
            for (ManagedChannel c : channels) {
                close(c);
            }
        }
        BridgeBehaviourTest.await("all 50 released", () -> bridge.activeConnections() == 0);
        assertThat(bridge.closedConnections()).isEqualTo(50);
    }

    @Test
    void anEightMebibyteMessage() throws Exception {
        byte[] big = new byte[8 << 20];
        new Random(8).nextBytes(big);
        ManagedChannel channel = channel();
        try {
            assertThat(unary(channel, big).payload()).isEqualTo(big);
        } finally {
            close(channel);
        }
    }

    @Test
    void aBackendThatDiesFailsTheCallsInFlightWithUnavailableAndTheNextCallWorksOnceItIsBack() throws Exception {
        // A crash, not a graceful stop: the python server is killed, so no HTTP/2 frame says why.
        Path scripts = PythonEchoServer.scripts();
        PythonEchoServer python = PythonEchoServer.start(scripts, "127.0.0.1:0");
        int port = python.address().getPort();
        try (GrpcWebSocketBridge toPython = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(python.address())
                .start()) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + toPython.address().getPort() + "/grpc"));
            try {
                CompletableFuture<byte[]> first = new CompletableFuture<>();
                CompletableFuture<Void> ended = new CompletableFuture<>();
                StreamObserver<byte[]> bidi = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(InteropTest.BIDI, CallOptions.DEFAULT), new StreamObserver<>() {
                            @Override
                            public void onNext(byte[] v) {
                                first.complete(v);
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
                bidi.onNext(new byte[] {1});
                assertThat(first.get(1, TimeUnit.MINUTES)).containsExactly(1);

                python.kill();
                assertThat(ended)
                        .failsWithin(1, TimeUnit.MINUTES)
                        .withThrowableThat()
                        .havingRootCause()
                        .matches(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE, "UNAVAILABLE");
                BridgeBehaviourTest.await("the dropped connection released", () -> toPython.activeConnections() == 0);

                python = PythonEchoServer.start(scripts, "127.0.0.1:" + port);
                byte[] reply = ClientCalls.blockingUnaryCall(
                        channel,
                        InteropTest.UNARY,
                        CallOptions.DEFAULT
                                .withDeadlineAfter(2, TimeUnit.MINUTES)
                                .withWaitForReady(),
                        new byte[] {2});
                assertThat(reply).containsExactly(2);
            } finally {
                close(channel);
            }
        } finally {
            python.close();
        }
    }

    @Test
    void theChannelReconnectsOnTheNextCallAfterItsWebSocketWentAway() throws Exception {
        ManagedChannel channel = channel();
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(unary(channel, new byte[] {(byte) i}).payload()).containsExactly((byte) i);
                channel.enterIdle(); // drops the connection, as a network change would
            }
        } finally {
            close(channel);
        }
        BridgeBehaviourTest.await("all released", () -> bridge.activeConnections() == 0);
        assertThat(bridge.closedConnections()).isEqualTo(5);
    }

    @Test
    void theLocalH2cBridgeCarriesEachConnectionOverItsOwnWebSocket() throws Exception {
        try (LocalH2cBridge local =
                LocalH2cBridge.start(new InetSocketAddress("127.0.0.1", 0), url, ClientOptions.defaults())) {
            List<ManagedChannel> channels = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    ManagedChannel c = NettyChannelBuilder.forAddress(local.address())
                            .usePlaintext()
                            .build();
                    channels.add(c);
                    assertThat(unary(c, new byte[] {(byte) i}).payload()).containsExactly((byte) i);
                }
                assertThat(local.activeConnections()).isEqualTo(3);
                assertThat(bridge.activeConnections()).isEqualTo(3);
            } finally {
                for (ManagedChannel c : channels) {
                    close(c);
                }
            }
            BridgeBehaviourTest.await(
                    "all released", () -> local.activeConnections() == 0 && bridge.activeConnections() == 0);
        }
    }

    @Test
    void anUnavailableBackendIsUnavailable() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (GrpcWebSocketBridge dead = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(new InetSocketAddress("127.0.0.1", deadPort))
                .start()) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + dead.address().getPort() + "/grpc"));
            try {
                assertThatThrownBy(() -> unary(channel, new byte[] {1}))
                        .isInstanceOf(StatusRuntimeException.class)
                        .matches(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE, "UNAVAILABLE");
            } finally {
                close(channel);
            }
            BridgeBehaviourTest.await("nothing left open", () -> dead.activeConnections() == 0);
        }
    }

    @Test
    void aThousandConnectDisconnectCyclesLeaveNoThreadsFdsOrDirectMemoryBehind() throws Exception {
        for (int i = 0; i < 30; i++) {
            cycle(i);
        }
        BridgeBehaviourTest.await("warm-up connections released", () -> bridge.activeConnections() == 0);
        int threads0 = threadCount();
        long fds0 = openFds();
        long direct0 = directMemory();
        for (int i = 0; i < 1000; i++) {
            cycle(i);
        }
        BridgeBehaviourTest.await("all connections released", () -> bridge.activeConnections() == 0);
        BridgeBehaviourTest.await("threads back to " + threads0, () -> threadCount() <= threads0);
        BridgeBehaviourTest.await("fds back to " + fds0, () -> openFds() <= fds0);
        long direct = directMemory();
        System.out.printf(
                "1000 cycles: threads %d -> %d, fds %d -> %d, direct memory %d -> %d%n",
                threads0, threadCount(), fds0, openFds(), direct0, direct);
        // Pools may keep a chunk they already had; 1000 leaked per-connection buffers would be far more.
        assertThat(direct).isLessThanOrEqualTo(direct0 + (4 << 20));
        assertThat(bridge.closedConnections()).isEqualTo(1030);
        assertThat(bridge.trackedAddresses()).isEqualTo(1);
    }

    private void cycle(int i) throws InterruptedException {
        ManagedChannel channel = channel();
        try {
            assertThat(unary(channel, new byte[] {(byte) i}).payload()).containsExactly((byte) i);
        } finally {
            close(channel);
        }
    }

    private static int threadCount() {
        System.gc();
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException("listing /proc/self/fd", e);
        }
    }

    private static long directMemory() {
        long jdk = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                jdk = pool.getMemoryUsed();
            }
        }
        long netty = PlatformDependent.usedDirectMemory();
        return jdk + Math.max(0, netty);
    }
}
