package org.paqet4j.tunnel.compress;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The snappy frame reader on arbitrary bytes: it returns data or throws IOException, never anything
 * else, and never more bytes than the chunks can carry (64 KiB per chunk of at least 4 bytes).
 * Whatever it returns is written again by our writer and must read back the same.
 */
class SnappyFrameFuzz {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) throws IOException {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (InputStream in = new SnappyFrameInputStream(new ByteArrayInputStream(input))) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                decoded.write(buf, 0, n);
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("snappy");
        }
        assertThat((long) decoded.size()).isLessThanOrEqualTo((long) input.length / 8 * 65536);
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (SnappyFrameOutputStream out = new SnappyFrameOutputStream(again)) {
            out.write(decoded.toByteArray());
        }
        try (InputStream in = new SnappyFrameInputStream(new ByteArrayInputStream(again.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(decoded.toByteArray());
        }
    }
}
