package org.paqet4j.jmh.kcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpDialer;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.kcp.codec.KeyDerivation;

/**
 * One KCP session over an in-memory carrier: the benchmark thread writes 1 MiB per operation into
 * the client's stream while a platform thread drains the server's stream. Operations per second ×
 * 8 = Mbit/s of application payload (mtu 1350, default windows, the codec named by {@code crypt}:
 * {@code null} is the pass-through kcp-go framing without header).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class KcpThroughputBenchmark {
    private static final int CHUNK = 1 << 20;

    @Param({"null", "aes-128-gcm"})
    String crypt;

    private KcpEventLoop loop;
    private InMemoryCarrier[] carriers;
    private KcpListener listener;
    private KcpSession client;
    private KcpSession server;
    private OutputStream out;
    private Thread reader;
    private final LongAdder bytesRead = new LongAdder();
    private final byte[] chunk = new byte[CHUNK];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        loop = KcpEventLoop.start("kcp-bench");
        carriers = InMemoryCarrier.pair(16_384);
        byte[] key = KeyDerivation.paqet("benchmark");
        KcpConfig config = KcpConfig.defaults();
        listener = KcpListener.listen(loop, carriers[1], config, () -> codec(key), 16, Duration.ofMinutes(5));
        client = KcpDialer.dial(loop, carriers[0], carriers[1].localAddress(), config, codec(key));
        out = client.outputStream();
        out.write(1);
        server = listener.accept();
        InputStream in = server.inputStream();
        reader = Thread.ofPlatform().name("kcp-bench-reader").daemon().start(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    bytesRead.add(n);
                }
            } catch (IOException e) {
                // session closed at tear-down
            }
        });
    }

    private DatagramCodec codec(byte[] key) {
        return Codecs.create(crypt, key, 0, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        System.out.println("\nretransmits "
                + (client.stats().retransmitsRto()
                        + client.stats().retransmitsFast()
                        + client.stats().retransmitsEarly())
                + ", carrier drops " + carriers[0].dropped()
                + "/" + carriers[1].dropped() + ", bytes read " + bytesRead.sum());
        client.close();
        listener.close();
        loop.close();
        carriers[0].close();
        carriers[1].close();
        reader.join(2000);
    }

    @Benchmark
    public void write1MiB() throws IOException {
        out.write(chunk, 0, CHUNK);
    }
}
