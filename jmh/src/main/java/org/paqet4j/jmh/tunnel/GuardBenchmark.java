package org.paqet4j.jmh.tunnel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.paqet4j.tunnel.guard.GuardCookies;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;

/**
 * What the packet guard costs per received datagram (a valid cookie, a forged one), and what
 * decoding a stream header costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardBenchmark {

    private GuardCookies cookies;
    private byte[] valid;
    private byte[] forged;
    private byte[] header;

    @Setup
    public void setUp() {
        cookies = new GuardCookies(GuardCookies.deriveKey("benchmark"), Duration.ofSeconds(30), Duration.ofSeconds(5),
                System::currentTimeMillis);
        valid = cookies.current().clone();
        forged = valid.clone();
        forged[7] ^= 1;
        header = StreamHeaderWriter.encode(new StreamHeader.Tcp(new Target("www.example.com", 443)));
    }

    @Benchmark
    public boolean guardAcceptsValidCookie() {
        return cookies.accepts(valid, 0);
    }

    @Benchmark
    public boolean guardRejectsForgedCookie() {
        return cookies.accepts(forged, 0);
    }

    @Benchmark
    public StreamHeader decodeTcpHeader() throws IOException {
        return StreamHeaderReader.read(new ByteArrayInputStream(header));
    }
}
