package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PayloadPoolTest {

    @Test
    void buffersComeInPowerOfTwoSizesAndAreReused() {
        PayloadPool pool = new PayloadPool(65535, 1 << 20);
        byte[] small = pool.take(1);
        byte[] mid = pool.take(1000);
        byte[] big = pool.take(65535);
        assertThat(small).hasSize(PayloadPool.MIN_SIZE);
        assertThat(mid).hasSize(1024);
        assertThat(big).hasSize(65536);

        pool.give(mid);

        assertThat(pool.take(513)).isSameAs(mid);
        assertThat(pool.take(1024)).isNotSameAs(mid);
    }

    @Test
    void keepsNoMoreThanItsByteBound() {
        PayloadPool pool = new PayloadPool(65535, 3 * 16384);
        byte[][] taken = new byte[5][];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = pool.take(16384);
        }
        for (byte[] b : taken) {
            pool.give(b);
        }
        assertThat(pool.pooledBytes()).isEqualTo(3 * 16384);
        long before = pool.allocatedBytes();

        for (int i = 0; i < 5; i++) {
            pool.take(16384);
        }

        assertThat(pool.allocatedBytes() - before)
                .as("two buffers beyond the three kept")
                .isEqualTo(2 * 16384);
    }

    @Test
    void foreignArraysAndTrimmedBuffersAreNotKept() {
        PayloadPool pool = new PayloadPool(65535, 1 << 20);
        pool.give(new byte[1000]); // not a pool size
        assertThat(pool.pooledBytes()).isZero();
        pool.give(pool.take(4096));
        assertThat(pool.pooledBytes()).isEqualTo(4096);

        pool.trim();

        assertThat(pool.pooledBytes()).isZero();
    }

    @Test
    void aLongTransferReusesPayloadBuffers() throws Exception {
        MuxConfig config = MuxConfig.paqetDefaults();
        try (SessionPair p = SessionPair.open(config)) {
            MuxStream up = p.client().openStream();
            MuxStream down = p.server().acceptStream(Duration.ofSeconds(5));
            long total = 64L << 20;
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> write(up, total));
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            InputStream in = down.inputStream();
            byte[] buf = new byte[7000]; // not a frame size: frames are consumed in pieces
            long got = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                received.update(buf, 0, n);
                got += n;
            }

            assertThat(got).isEqualTo(total);
            assertThat(received.digest()).isEqualTo(sent.get());
            // Without reuse every received byte would be a new array: 64 MiB.
            assertThat(p.server().payloadPool().allocatedBytes())
                    .as("payload bytes allocated for %d bytes received", total)
                    .isLessThanOrEqualTo(config.maxReceiveBuffer() * 2L);
        }
    }

    private static byte[] write(MuxStream stream, long total) {
        try (OutputStream out = stream.outputStream()) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(9);
            byte[] chunk = new byte[16384];
            for (long left = total; left > 0; ) {
                random.nextBytes(chunk);
                int n = (int) Math.min(left - random.nextInt(2), chunk.length);
                n = Math.max(1, n - random.nextInt(100));
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
                left -= n;
            }
            return digest.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
