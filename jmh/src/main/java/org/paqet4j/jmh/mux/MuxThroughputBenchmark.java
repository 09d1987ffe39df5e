package org.paqet4j.jmh.mux;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.paqet4j.mux.MemoryPipe;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxStream;
import org.paqet4j.mux.MuxTransport;

/**
 * smux throughput over an in-memory pipe: each benchmark thread writes {@code writeSize} bytes per operation on
 * its own stream while a virtual thread on the server side drains it. Bytes/s = ops/s x writeSize; run with
 * {@code -t 4} for four streams sharing the session. {@code writeMessage} sends one 1400-byte message (one PSH frame)
 * per operation, as a UDP relay does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class MuxThroughputBenchmark {

    @State(Scope.Benchmark)
    public static class Sessions {
        @Param({"2", "1"})
        int version;

        @Param({"1048576"})
        int pipeCapacity;

        MuxSession client;
        MuxSession server;
        Thread acceptor;

        @Setup(Level.Trial)
        public void open() {
            MuxTransport[] t = MemoryPipe.pair(pipeCapacity);
            MuxConfig cfg = MuxConfig.paqetDefaults()
                    .withVersion(version)
                    .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(60));
            client = MuxSession.client(t[0], cfg);
            server = MuxSession.server(t[1], cfg);
            acceptor = Thread.ofVirtual().name("bench-acceptor").start(() -> {
                try {
                    while (true) {
                        MuxStream s = server.acceptStream();
                        Thread.ofVirtual().name("bench-drain").start(() -> drain(s));
                    }
                } catch (IOException closed) {
                    // the trial is over
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            client.close();
            server.close();
            acceptor.join();
        }

        private static void drain(MuxStream s) {
            byte[] buf = new byte[64 * 1024];
            try (s) {
                InputStream in = s.inputStream();
                while (in.read(buf) >= 0) {
                    // discard
                }
            } catch (IOException closed) {
                // the session closed under us
            }
        }
    }

    @State(Scope.Thread)
    public static class Writer {
        @Param({"32768"})
        int writeSize;

        MuxStream stream;
        byte[] chunk;

        @Setup(Level.Trial)
        public void open(Sessions s) throws IOException {
            stream = s.client.openStream();
            chunk = new byte[writeSize];
        }

        @TearDown(Level.Trial)
        public void close() {
            stream.close();
        }
    }

    /** Message mode as UDP relaying uses it: one datagram-sized PSH frame per operation. */
    @State(Scope.Thread)
    public static class MessageWriter {
        @Param({"1400"})
        int messageSize;

        MuxStream stream;
        byte[] message;

        @Setup(Level.Trial)
        public void open(Sessions s) throws IOException {
            stream = s.client.openStream();
            message = new byte[messageSize];
        }

        @TearDown(Level.Trial)
        public void close() {
            stream.close();
        }
    }

    @Benchmark
    public void write(Writer w) throws IOException {
        w.stream.write(w.chunk, 0, w.chunk.length);
    }

    @Benchmark
    public void writeMessage(MessageWriter w) throws IOException {
        w.stream.writeMessage(w.message, 0, w.message.length);
    }
}
