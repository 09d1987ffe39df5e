package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;
import org.paqet4j.grpcws.demo.StreamRequest;

class DirectModeTest {

    private EchoService echo;
    private GrpcWebSocketBridge bridge;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        echo = new EchoService();
        bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(echo)
                .start();
        channel = GrpcWebSocket.channel(
                URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"));
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        bridge.close();
    }

    @Test
    void unaryEchoesThePayload() {
        EchoMessage reply = ClientCalls.blockingUnaryCall(
                channel, EchoMethods.UNARY, CallOptions.DEFAULT, EchoMessage.of("hello".getBytes()));
        assertThat(reply.payload()).isEqualTo("hello".getBytes());
        assertThat(bridge.activeConnections()).isEqualTo(1);
    }

    @Test
    void bidiEchoesEachMessageAsItArrives() throws Exception {
        LinkedBlockingQueue<EchoMessage> replies = new LinkedBlockingQueue<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<EchoMessage> out = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(EchoMethods.BIDI, CallOptions.DEFAULT), new StreamObserver<>() {
                    @Override
                    public void onNext(EchoMessage value) {
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
        for (int i = 0; i < 500; i++) {
            byte[] ping = ByteBuffer.allocate(4).putInt(i).array();
            out.onNext(EchoMessage.of(ping));
            assertThat(replies.poll(2, TimeUnit.MINUTES).payload()).isEqualTo(ping);
        }
        out.onCompleted();
        done.get(2, TimeUnit.MINUTES);
        assertThat(echo.cancelledCalls("Bidi")).isZero();
    }

    @Test
    void serverStreamDelivers64MiBWithTheExpectedHash() throws Exception {
        long total = 64L << 20;
        int seed = 7;
        Iterator<EchoMessage> it = ClientCalls.blockingServerStreamingCall(
                channel, EchoMethods.SERVER_STREAM, CallOptions.DEFAULT, new StreamRequest(total, 1 << 20, seed));
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long n = 0;
        while (it.hasNext()) {
            byte[] p = it.next().payload();
            got.update(p);
            n += p.length;
        }
        MessageDigest want = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        for (long off = 0; off < total; off += buf.length) {
            for (int i = 0; i < buf.length; i++) {
                buf[i] = StreamRequest.patternByte(off + i, seed);
            }
            want.update(buf);
        }
        assertThat(n).isEqualTo(total);
        assertThat(got.digest()).isEqualTo(want.digest());
    }
}
