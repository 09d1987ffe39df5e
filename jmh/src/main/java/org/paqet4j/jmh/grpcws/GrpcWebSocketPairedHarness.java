package org.paqet4j.jmh.grpcws;

import com.sun.management.OperatingSystemMXBean;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.paqet4j.grpcws.ClientOptions;
import org.paqet4j.grpcws.GrpcWebSocket;
import org.paqet4j.grpcws.GrpcWebSocketBridge;

/**
 * The comparison of {@link GrpcWebSocketBenchmark} (same service, same settings, same two paths)
 * in short alternating rounds: direct, WebSocket, WebSocket, direct, ... each round a fraction of
 * a second. On a shared machine whose load swings by a factor of ten within a minute, a JMH run
 * measures one path minutes after the other, under a different load; here both paths of a round
 * see nearly the same load, and the median of the per-round ratios is what is reported. It also
 * reports the process CPU time per call and per streamed MiB, which load hardly changes: the work
 * each path costs, whatever the scheduler does with it; and the threads' voluntary context switches
 * per call (Linux), which count how often a call's bytes had to wake another thread.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar org.paqet4j.jmh.grpcws.GrpcWebSocketPairedHarness [rounds]}
 */
public final class GrpcWebSocketPairedHarness {

    private static final long UNARY_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long STREAM_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final double STREAM_MIB =
            GrpcWebSocketBenchmark.STREAM_MESSAGES * (double) GrpcWebSocketBenchmark.MESSAGE_BYTES / (1024 * 1024);

    /** Calls (unary) or whole streams completed, for the CPU time per operation. */
    private static final AtomicLong CALLS = new AtomicLong();

    private GrpcWebSocketPairedHarness() {}

    /** The sum over this process's threads of voluntary context switches (0 where /proc is missing). */
    private static long voluntarySwitches() {
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            total += Long.parseLong(
                                    line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException threadEnded) {
                    // A thread that ended meanwhile no longer counts.
                }
            }
        } catch (IOException noProc) {
            return 0;
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Server direct = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(GrpcWebSocketBenchmark.service())
                .directExecutor()
                .build()
                .start();
        ManagedChannel directChannel = NettyChannelBuilder.forAddress("127.0.0.1", direct.getPort())
                .usePlaintext()
                .directExecutor()
                .build();
        GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(GrpcWebSocketBenchmark.service())
                .configureServer(b -> b.directExecutor())
                .start();
        ManagedChannel wsChannel = GrpcWebSocket.channel(
                URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"),
                ClientOptions.defaults(),
                b -> b.directExecutor());
        try {
            ManagedChannel[] paths = {directChannel, wsChannel};
            for (int w = 0; w < 6; w++) {
                for (ManagedChannel c : paths) {
                    unaryP50Micros(c);
                    streamMibPerSecond(c);
                }
            }
            double[] unaryRatio = new double[rounds];
            double[] streamRatio = new double[rounds];
            double[][] unary = new double[2][rounds];
            double[][] stream = new double[2][rounds];
            double[][] unaryCpu = new double[2][rounds];
            double[][] unarySwitches = new double[2][rounds];
            double[][] streamCpu = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                // Alternate which path goes first, so a load trend within a round favours neither.
                int first = r % 2;
                for (int k = 0; k < 2; k++) {
                    int p = k == 0 ? first : 1 - first;
                    long cpu = processCpuNanos();
                    long calls = CALLS.get();
                    long switches = voluntarySwitches();
                    unary[p][r] = unaryP50Micros(paths[p]);
                    unaryCpu[p][r] = (processCpuNanos() - cpu) / 1000.0 / (CALLS.get() - calls);
                    unarySwitches[p][r] = (voluntarySwitches() - switches) / (double) (CALLS.get() - calls);
                }
                for (int k = 0; k < 2; k++) {
                    int p = k == 0 ? first : 1 - first;
                    long cpu = processCpuNanos();
                    long streams = CALLS.get();
                    stream[p][r] = streamMibPerSecond(paths[p]);
                    streamCpu[p][r] = (processCpuNanos() - cpu) / 1e6 / ((CALLS.get() - streams) * STREAM_MIB);
                }
                unaryRatio[r] = unary[1][r] / unary[0][r];
                streamRatio[r] = stream[1][r] / stream[0][r];
                System.out.printf(
                        "round %2d: unary p50 direct %8.1f us, websocket %8.1f us (%.2fx); "
                                + "stream direct %7.1f MiB/s, websocket %7.1f MiB/s (%3.0f %%)%n",
                        r + 1,
                        unary[0][r],
                        unary[1][r],
                        unaryRatio[r],
                        stream[0][r],
                        stream[1][r],
                        100 * streamRatio[r]);
            }
            System.out.printf(
                    "median of %d rounds: unary p50 websocket/direct %.2fx (quartiles %.2f-%.2f), "
                            + "64 KiB stream websocket/direct %.0f %% (quartiles %.0f-%.0f %%); "
                            + "medians direct %.1f us / %.1f MiB/s, websocket %.1f us / %.1f MiB/s%n",
                    rounds,
                    quantile(unaryRatio, 0.5),
                    quantile(unaryRatio, 0.25),
                    quantile(unaryRatio, 0.75),
                    100 * quantile(streamRatio, 0.5),
                    100 * quantile(streamRatio, 0.25),
                    100 * quantile(streamRatio, 0.75),
                    quantile(unary[0], 0.5),
                    quantile(stream[0], 0.5),
                    quantile(unary[1], 0.5),
                    quantile(stream[1], 0.5));
            System.out.printf(
                    "process CPU, median of %d rounds: per unary call direct %.1f us, websocket %.1f us (%.2fx); "
                            + "per streamed MiB direct %.2f ms, websocket %.2f ms (%.2fx)%n",
                    rounds,
                    quantile(unaryCpu[0], 0.5),
                    quantile(unaryCpu[1], 0.5),
                    quantile(unaryCpu[1], 0.5) / quantile(unaryCpu[0], 0.5),
                    quantile(streamCpu[0], 0.5),
                    quantile(streamCpu[1], 0.5),
                    quantile(streamCpu[1], 0.5) / quantile(streamCpu[0], 0.5));
            System.out.printf(
                    "voluntary context switches per unary call, median of %d rounds: direct %.2f, websocket %.2f%n",
                    rounds, quantile(unarySwitches[0], 0.5), quantile(unarySwitches[1], 0.5));
        } finally {
            directChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            wsChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            direct.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            bridge.close();
        }
    }

    /** One 16-byte call at a time for one round; the median latency. */
    private static double unaryP50Micros(ManagedChannel channel) {
        long[] samples = new long[1 << 16];
        int n = 0;
        byte[] small = new byte[16];
        long end = System.nanoTime() + UNARY_ROUND_NANOS;
        long now;
        do {
            long start = System.nanoTime();
            ClientCalls.blockingUnaryCall(channel, GrpcWebSocketBenchmark.UNARY, CallOptions.DEFAULT, small);
            now = System.nanoTime();
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, n * 2);
            }
            samples[n++] = now - start;
            CALLS.incrementAndGet();
        } while (now < end);
        Arrays.sort(samples, 0, n);
        return samples[n / 2] / 1000.0;
    }

    /** Whole 16 MiB streams of 64 KiB messages for one round (at least one); MiB/s. */
    private static double streamMibPerSecond(ManagedChannel channel) throws IOException {
        long start = System.nanoTime();
        long end = start + STREAM_ROUND_NANOS;
        int streams = 0;
        long now;
        do {
            Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(
                    channel,
                    GrpcWebSocketBenchmark.DOWN,
                    CallOptions.DEFAULT,
                    ByteBuffer.allocate(4)
                            .putInt(GrpcWebSocketBenchmark.STREAM_MESSAGES)
                            .array());
            long bytes = 0;
            while (it.hasNext()) {
                bytes += it.next().length;
            }
            if (bytes != (long) GrpcWebSocketBenchmark.STREAM_MESSAGES * GrpcWebSocketBenchmark.MESSAGE_BYTES) {
                throw new IOException("a stream brought " + bytes + " bytes");
            }
            streams++;
            CALLS.incrementAndGet();
            now = System.nanoTime();
        } while (now < end);
        return streams * STREAM_MIB / ((now - start) / 1e9);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
