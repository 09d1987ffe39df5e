package org.paqet4j.jmh.kcp;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.kcp.codec.KeyDerivation;

/**
 * Per-datagram cost of the kcp-go datagram layer for 1350-byte wire datagrams: encode (frame +
 * encrypt), decode (decrypt + verify), and encode with FEC 10/3 (parity computed and sealed every
 * tenth call). Each operation first restores its buffer with one 1350-byte copy (about 30 ns).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CodecBenchmark {

    private static final int WIRE = 1350;

    @Param({"aes", "aes-128-gcm", "none"})
    String crypt;

    private DatagramCodec codec;
    private DatagramCodec fecCodec;
    private DatagramCodec receiver;
    private byte[] payload;
    private int payloadLength;
    private int fecPayloadLength;
    private byte[] buf;
    private byte[] fecBuf;
    private byte[] wire;
    private byte[] wireCopy;
    private long sink;
    private final DatagramCodec.DatagramOutput out = (b, off, len) -> sink += len + b[off];
    private final DatagramCodec.PayloadInput in = (b, off, len) -> sink += len + b[off];

    @Setup
    public void setUp() throws IOException {
        byte[] key = KeyDerivation.kcptun("benchmark");
        codec = Codecs.create(crypt, key, 0, 0);
        fecCodec = Codecs.create(crypt, key, 10, 3);
        receiver = Codecs.create(crypt, key, 0, 0);
        payloadLength = WIRE - codec.headerRoom() - codec.trailerRoom();
        fecPayloadLength = WIRE - fecCodec.headerRoom() - fecCodec.trailerRoom();
        payload = new byte[WIRE];
        new Random(1).nextBytes(payload);
        payload[4] = 81;
        buf = new byte[WIRE];
        fecBuf = new byte[WIRE];
        System.arraycopy(payload, 0, buf, codec.headerRoom(), payloadLength);
        codec.encode(buf, payloadLength, (b, off, len) -> wire = Arrays.copyOfRange(b, off, off + len));
        wireCopy = new byte[wire.length];
    }

    @Benchmark
    public long encode() throws IOException {
        System.arraycopy(payload, 0, buf, codec.headerRoom(), payloadLength);
        codec.encode(buf, payloadLength, out);
        return sink;
    }

    @Benchmark
    public long decode() {
        System.arraycopy(wire, 0, wireCopy, 0, wire.length);
        receiver.decode(wireCopy, wire.length, in);
        return sink;
    }

    @Benchmark
    public long encodeFec10x3() throws IOException {
        System.arraycopy(payload, 0, fecBuf, fecCodec.headerRoom(), fecPayloadLength);
        fecCodec.encode(fecBuf, fecPayloadLength, out);
        return sink;
    }
}
