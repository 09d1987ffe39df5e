package org.paqet4j.jmh.packet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.paqet4j.packet.UdpCarrier;

/** One datagram sent and received over the UDP carrier on loopback: the floor for the raw carrier. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class UdpCarrierBenchmark {

    @Param({"1350"})
    int size;

    private UdpCarrier sender;
    private UdpCarrier receiver;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup
    public void setUp() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        sender = UdpCarrier.bind(loopback, 4 << 20);
        receiver = UdpCarrier.bind(loopback, 4 << 20);
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(65_536);
    }

    @TearDown
    public void tearDown() {
        sender.close();
        receiver.close();
    }

    @Benchmark
    public InetSocketAddress sendAndReceive() throws IOException {
        out.clear();
        sender.send(out, receiver.localAddress());
        in.clear();
        return receiver.receive(in);
    }
}
