package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The client's side of a WebSocket stream, alone: 16 MiB of server frames (unmasked, of
 * {@code frameKiB} each, as the bridge sends one frame per read burst) arriving in 64 KiB socket
 * reads, decoded by Netty's frame decoder ({@code netty}: gathers each frame, then copies its
 * payload) or by {@link ClientFrameDecoder} ({@code slices}: passes payloads on as slices of the
 * reads). One operation decodes the 16 MiB; the consumer only counts bytes and releases.
 *
 * <p>On a loaded machine JMH's wall-clock times mostly measure the scheduler; {@link #main} runs
 * both decoders in alternating rounds on one thread and reports the median of that thread's CPU
 * time per 16 MiB, which waiting for a core does not inflate:
 * {@code java -cp jmh/target/benchmarks.jar org.paqet4j.grpcws.ClientFrameDecodeBenchmark [rounds] [frameKiB]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClientFrameDecodeBenchmark {

    private static final int TOTAL = 16 << 20;
    private static final int READ = 64 << 10;

    @Param({"netty", "slices"})
    public String decoder;

    @Param({"256"})
    public int frameKiB;

    private byte[] wire;
    private EmbeddedChannel channel;
    private long received;

    @Setup
    public void setUp() {
        EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        byte[] payload = new byte[frameKiB << 10];
        ThreadLocalRandom.current().nextBytes(payload);
        List<byte[]> parts = new ArrayList<>();
        int size = 0;
        for (int sent = 0; sent < TOTAL; sent += payload.length) {
            encoder.writeOutbound(new BinaryWebSocketFrame(io.netty.buffer.Unpooled.wrappedBuffer(payload)));
            for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                b.release();
                parts.add(bytes);
                size += bytes.length;
            }
        }
        encoder.finishAndReleaseAll();
        wire = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, wire, at, p.length);
            at += p.length;
        }
        ChannelHandler decode = decoder.equals("netty")
                ? new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(16 << 20)
                        .expectMaskedFrames(false)
                        .allowMaskMismatch(false)
                        .allowExtensions(false)
                        .build())
                : new ClientFrameDecoder(16 << 20);
        channel = new EmbeddedChannel(decode, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                WebSocketFrame f = (WebSocketFrame) msg;
                received += f.content().readableBytes();
                f.release();
            }
        });
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int frameKiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        ClientFrameDecodeBenchmark[] decoders = new ClientFrameDecodeBenchmark[2];
        String[] names = {"netty", "slices"};
        for (int d = 0; d < 2; d++) {
            decoders[d] = new ClientFrameDecodeBenchmark();
            decoders[d].decoder = names[d];
            decoders[d].frameKiB = frameKiB;
            decoders[d].setUp();
        }
        for (int w = 0; w < 30; w++) {
            decoders[w % 2].decode16MiB();
        }
        double[][] cpuMs = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                int d = (r + k) % 2;
                long start = threads.getCurrentThreadCpuTime();
                decoders[d].decode16MiB();
                cpuMs[d][r] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
            }
        }
        for (int d = 0; d < 2; d++) {
            double[] sorted = cpuMs[d].clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(
                    "%-6s frames of %d KiB: thread CPU per 16 MiB median %.2f ms (quartiles %.2f-%.2f)%n",
                    names[d], frameKiB, sorted[rounds / 2], sorted[rounds / 4], sorted[3 * rounds / 4]);
            decoders[d].tearDown();
        }
    }

    @Benchmark
    public long decode16MiB() {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        long before = received;
        for (int at = 0; at < wire.length; at += READ) {
            int n = Math.min(READ, wire.length - at);
            ByteBuf read = alloc.directBuffer(n);
            read.writeBytes(wire, at, n);
            channel.writeInbound(read);
        }
        if (received - before != TOTAL) {
            throw new IllegalStateException("decoded " + (received - before) + " bytes, not " + TOTAL);
        }
        return received;
    }
}
