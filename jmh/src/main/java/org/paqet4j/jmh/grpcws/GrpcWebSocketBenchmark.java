package org.paqet4j.jmh.grpcws;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.paqet4j.grpcws.ClientOptions;
import org.paqet4j.grpcws.GrpcWebSocket;
import org.paqet4j.grpcws.GrpcWebSocketBridge;

/**
 * gRPC over the WebSocket bridge against plain h2c over TCP, in the same run: the same service,
 * the same grpc-java settings, only the path differs. {@code websocket}: GrpcWebSocket.channel →
 * WebSocket over loopback TCP → bridge → in-process server. {@code direct}: grpc-java channel →
 * loopback TCP → grpc-java server.
 *
 * <p>{@code unary}: one 16-byte call at a time (sample time: read p50 from the percentiles).
 * {@code stream}: one server-streaming call of {@value #STREAM_MESSAGES} messages of 64 KiB
 * (16 MiB) per operation; MiB/s = ops/s × 16.
 */
@State(Scope.Benchmark)
public class GrpcWebSocketBenchmark {

    static final int STREAM_MESSAGES = 256;
    static final int MESSAGE_BYTES = 64 * 1024;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> UNARY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Unary")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    static final MethodDescriptor<byte[], byte[]> DOWN = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName("bench.Echo/Down")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();

    @Param({"websocket", "direct"})
    public String path;

    private Server direct;
    private GrpcWebSocketBridge bridge;
    private ManagedChannel channel;
    private final byte[] small = new byte[16];

    static ServerServiceDefinition service() {
        byte[] chunk = new byte[MESSAGE_BYTES];
        return ServerServiceDefinition.builder("bench.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
                    out.onNext(req);
                    out.onCompleted();
                }))
                .addMethod(DOWN, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    int count = ByteBuffer.wrap(req).getInt();
                    ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
                    call.setOnReadyHandler(new Runnable() {
                        private int sent;

                        @Override
                        public void run() {
                            while (sent < count && call.isReady()) {
                                call.onNext(chunk);
                                sent++;
                            }
                            if (sent == count) {
                                sent++;
                                call.onCompleted();
                            }
                        }
                    });
                }))
                .build();
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        if (path.equals("direct")) {
            direct = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(service())
                    .directExecutor()
                    .build()
                    .start();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", direct.getPort())
                    .usePlaintext()
                    .directExecutor()
                    .build();
        } else {
            bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                    .direct(service())
                    .configureServer(b -> b.directExecutor())
                    .start();
            channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"),
                    ClientOptions.defaults(),
                    b -> b.directExecutor());
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        if (direct != null) {
            direct.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] unary() {
        return ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, small);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long stream() {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(
                channel,
                DOWN,
                CallOptions.DEFAULT,
                ByteBuffer.allocate(4).putInt(STREAM_MESSAGES).array());
        long n = 0;
        while (it.hasNext()) {
            n += it.next().length;
        }
        if (n != (long) STREAM_MESSAGES * MESSAGE_BYTES) {
            throw new IllegalStateException("stream brought " + n + " bytes");
        }
        return n;
    }
}
