package org.paqet4j.jmh.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
import org.paqet4j.packet.wire.Checksum;
import org.paqet4j.packet.wire.PacketParser;
import org.paqet4j.packet.wire.ParseResult;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.packet.wire.TcpPacket;
import org.paqet4j.packet.wire.TcpPacketTemplate;

/**
 * The raw carrier's per-packet CPU work outside the kernel: stamping Ethernet/IP/TCP headers with
 * paqet's emulation and both checksums in front of a 1350-byte payload (build), and parsing a
 * captured packet with checksum verification (parse).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketBuildBenchmark {

    @Param({"4", "6"})
    int family;

    @Param({"1350"})
    int size;

    private Arena arena;
    private MemorySegment frame;
    private TcpPacketTemplate template;
    private TcpPacket parsed;
    private int counter;
    private int frameLength;

    @Setup
    public void setUp() throws UnknownHostException {
        InetAddress source = InetAddress.getByName(family == 4 ? "198.18.0.1" : "2001:2::1");
        InetAddress destination = InetAddress.getByName(family == 4 ? "198.18.0.2" : "2001:2::2");
        byte[] mac = {2, 0, 0, 0, 0, 1};
        template = TcpPacketTemplate.of(mac, mac, source, destination, 9999, 40000);
        arena = Arena.ofConfined();
        frame = arena.allocate(TcpPacketTemplate.MAX_HEADERS + size, 64);
        int headers = template.headerLength(TcpFlags.PSH | TcpFlags.ACK);
        for (int i = 0; i < size; i++) {
            frame.set(ValueLayout.JAVA_BYTE, headers + i, (byte) (i * 31));
        }
        frameLength = template.write(frame, 0, TcpFlags.PSH | TcpFlags.ACK, 1, 1000, size);
        parsed = new TcpPacket();
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** Headers, IPv4 header checksum and TCP checksum over the 1350-byte payload. */
    @Benchmark
    public int build() {
        return template.write(frame, 0, TcpFlags.PSH | TcpFlags.ACK, ++counter, 1000, size);
    }

    /** The TCP checksum alone over header and payload. */
    @Benchmark
    public int checksum() {
        return Checksum.of(frame, 14, frameLength - 14);
    }

    /** Ethernet, IP and TCP parsed with both checksums verified. */
    @Benchmark
    public ParseResult parse() {
        return PacketParser.parseEthernet(frame, 0, frameLength, true, parsed);
    }
}
