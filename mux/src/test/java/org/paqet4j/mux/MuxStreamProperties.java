package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class MuxStreamProperties {

    /** Whatever the write sizes, read buffer, frame size and version: the bytes arrive complete and in order. */
    @Property(tries = 40)
    void bytesArriveInOrderWhateverTheChunking(
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 200_000) Integer> writes,
            @ForAll @IntRange(min = 1, max = 70_000) int readBuffer,
            @ForAll @IntRange(min = 1, max = 65535) int frameSize,
            @ForAll @IntRange(min = 1, max = 2) int version,
            @ForAll @IntRange(min = 16, max = 300_000) int pipeCapacity)
            throws Exception {
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withVersion(version)
                .withMaxFrameSize(frameSize)
                .withBuffers(1024 * 1024, 128 * 1024)
                .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (SessionPair p = SessionPair.open(cfg, pipeCapacity)) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                    () -> {
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        byte[] buf = new byte[readBuffer];
                        try {
                            for (int n; (n = s.read(buf, 0, buf.length)) >= 0; ) {
                                got.write(buf, 0, n);
                            }
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                        return got.toByteArray();
                    },
                    r -> Thread.ofVirtual().start(r));
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            Random rnd = new Random(writes.hashCode());
            for (int size : writes) {
                byte[] b = new byte[size];
                rnd.nextBytes(b);
                c.write(b, 0, b.length);
                sent.write(b);
            }
            c.closeWrite();
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(sent.toByteArray());
        }
    }
}
