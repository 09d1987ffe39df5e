package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An independent gRPC implementation (python3-grpcio) on both ends: its server behind the bridge
 * in proxy mode, its client through the local h2c bridge — and the same scenarios from the Java
 * client channel.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class InteropTest {

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

    static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName("interop.Echo/" + name)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> SERVER_STREAM =
            method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> CLIENT_STREAM =
            method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<byte[], byte[]> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

    private static Path scripts;
    private static PythonEchoServer python;
    private static GrpcWebSocketBridge bridge;
    private static URI url;

    @BeforeAll
    static void start() throws IOException {
        scripts = PythonEchoServer.scripts();
        python = PythonEchoServer.start(scripts, "127.0.0.1:0");
        bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .proxy(python.address())
                .start();
        url = URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc");
    }

    @AfterAll
    static void stop() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
        if (python != null) {
            python.close();
        }
    }

    @Test
    void pythonClientThroughConnectToPythonServerBehindServe() throws Exception {
        try (LocalH2cBridge local =
                LocalH2cBridge.start(new InetSocketAddress("127.0.0.1", 0), url, ClientOptions.defaults())) {
            Process client = new ProcessBuilder(
                            PythonEchoServer.PYTHON,
                            scripts.resolve("echo_client.py").toString(),
                            "127.0.0.1:" + local.address().getPort())
                    .directory(scripts.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(client.exitValue()).as(output).isZero();
            assertThat(output)
                    .contains(
                            "OK unary",
                            "OK server-stream",
                            "OK client-stream",
                            "OK bidi-ping-pong",
                            "OK concurrent-100");
        }
    }

    @Test
    void javaClientChannelToPythonServerBehindServe() throws Exception {
        ManagedChannel channel =
                GrpcWebSocket.channel(url, ClientOptions.defaults(), b -> b.maxInboundMessageSize(32 << 20));
        try {
            Random random = new Random(1);
            byte[] payload = new byte[1024];
            random.nextBytes(payload);
            assertThat(ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, payload))
                    .isEqualTo(payload);

            long total = 64L << 20;
            int seed = 11;
            ByteBuffer req =
                    ByteBuffer.allocate(16).putLong(total).putInt(1 << 20).putInt(seed);
            Iterator<byte[]> stream =
                    ClientCalls.blockingServerStreamingCall(channel, SERVER_STREAM, CallOptions.DEFAULT, req.array());
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            long n = 0;
            while (stream.hasNext()) {
                byte[] m = stream.next();
                got.update(m);
                n += m.length;
            }
            assertThat(n).isEqualTo(total);
            assertThat(got.digest()).isEqualTo(patternSha256(total, seed));

            List<byte[]> parts = new ArrayList<>();
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < 16; i++) {
                byte[] part = new byte[1 << 20];
                random.nextBytes(part);
                parts.add(part);
                sent.update(part);
            }
            CompletableFuture<byte[]> digest = new CompletableFuture<>();
            StreamObserver<byte[]> upload = ClientCalls.asyncClientStreamingCall(
                    channel.newCall(CLIENT_STREAM, CallOptions.DEFAULT), observer(digest));
            parts.forEach(upload::onNext);
            upload.onCompleted();
            assertThat(digest.get(5, TimeUnit.MINUTES)).isEqualTo(sent.digest());

            assertThat(pingPong(channel, 10_000)).isEqualTo(10_000);

            List<byte[]> bodies = new ArrayList<>();
            List<CompletableFuture<byte[]>> replies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                byte[] body = new byte[4096];
                random.nextBytes(body);
                bodies.add(body);
                CompletableFuture<byte[]> reply = new CompletableFuture<>();
                ClientCalls.asyncUnaryCall(channel.newCall(UNARY, CallOptions.DEFAULT), body, observer(reply));
                replies.add(reply);
            }
            for (int i = 0; i < 100; i++) {
                assertThat(replies.get(i).get(2, TimeUnit.MINUTES)).isEqualTo(bodies.get(i));
            }
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Sends message i+1 only after reply i came back; returns how many round trips completed. */
    static int pingPong(ManagedChannel channel, int count) throws Exception {
        LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<byte[]> out =
                ClientCalls.asyncBidiStreamingCall(channel.newCall(BIDI, CallOptions.DEFAULT), new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        replies.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        int i = 0;
        for (; i < count; i++) {
            byte[] ping = ByteBuffer.allocate(4).putInt(i).array();
            out.onNext(ping);
            byte[] pong = replies.poll(2, TimeUnit.MINUTES);
            assertThat(pong).as("reply %d", i).isEqualTo(ping);
        }
        out.onCompleted();
        done.get(2, TimeUnit.MINUTES);
        return i;
    }

    static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(null);
            }
        };
    }

    static byte[] patternSha256(long total, int seed) throws Exception {
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        for (long off = 0; off < total; off += buf.length) {
            int n = (int) Math.min(buf.length, total - off);
            for (int i = 0; i < n; i++) {
                buf[i] = (byte) ((off + i) * 31 + seed);
            }
            want.update(buf, 0, n);
        }
        return want.digest();
    }
}
