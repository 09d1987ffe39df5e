package org.paqet4j.jmh.tunnel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.tunnel.guard.GuardKey;
import org.paqet4j.tunnel.guard.GuardedCarrier;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;

/**
 * What the packet guard costs per datagram: sealing one on send and checking it on receive
 * (time, HMAC tag, replay window), for a small and an MTU-sized datagram; and what decoding a
 * stream header costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardBenchmark {

    private static final InetSocketAddress PEER = new InetSocketAddress("198.18.0.1", 9999);

    @Param({"100", "1350"})
    public int size;

    private GuardedCarrier sender;
    private GuardedCarrier receiver;
    private ByteBuffer payload;
    private final ByteBuffer dst = ByteBuffer.allocate(2048);
    private byte[] header;

    /** Hands the last datagram sent to whoever receives next: the wire without a socket. */
    private static final class Loop implements PacketCarrier {
        final ByteBuffer last = ByteBuffer.allocate(2048);

        @Override
        public void send(ByteBuffer datagram, InetSocketAddress peer) {
            last.clear();
            last.put(datagram).flip();
        }

        @Override
        public InetSocketAddress receive(ByteBuffer out) {
            out.put(last.duplicate());
            return PEER;
        }

        @Override
        public InetSocketAddress localAddress() {
            return PEER;
        }

        @Override
        public CarrierCounters counters() {
            throw new UnsupportedOperationException("not needed by the benchmark");
        }

        @Override
        public void close() {}
    }

    @Setup
    public void setUp() {
        GuardKey key = new GuardKey(
                GuardKey.deriveKey("benchmark"),
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                System::currentTimeMillis);
        Loop wire = new Loop();
        sender = new GuardedCarrier(wire, key);
        receiver = new GuardedCarrier(wire, key);
        payload = ByteBuffer.allocate(size);
        header = StreamHeaderWriter.encode(new StreamHeader.Tcp(new Target("www.example.com", 443)));
    }

    /** One datagram sealed by the sender and accepted by the receiver: the guard's cost on both ends together. */
    @Benchmark
    public int sealAndAccept() throws IOException {
        payload.clear();
        sender.send(payload, PEER);
        dst.clear();
        receiver.receive(dst);
        return dst.position();
    }

    @Benchmark
    public StreamHeader decodeTcpHeader() throws IOException {
        return StreamHeaderReader.read(new ByteArrayInputStream(header));
    }
}
