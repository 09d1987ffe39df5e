package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One round trip through a TCP echo service at the far end of a tunnel: writes the payload, reads
 * it back and compares SHA-256, then half-closes and expects the end of the stream to come round
 * too. Shared by the kcptun interop tests of kcp (sessions) and tunnel (kcptun mode).
 */
public final class EchoRoundTrip {

    /** Ends the writing direction of the connection under test (a socket's or a stream's). */
    @FunctionalInterface
    public interface HalfClose {
        void closeWrite() throws IOException;
    }

    private EchoRoundTrip() {}

    /** Writes and reads on {@code threads}; completes when the echo was checked and the stream ended. */
    public static CompletableFuture<Void> start(
            InputStream in, OutputStream out, HalfClose halfClose, byte[] payload, Executor threads) {
        CompletableFuture<Void> written = CompletableFuture.runAsync(
                () -> {
                    try {
                        for (int off = 0; off < payload.length; off += 8192) {
                            out.write(payload, off, Math.min(8192, payload.length - off));
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
        CompletableFuture<Void> echoed = CompletableFuture.runAsync(
                () -> {
                    try {
                        MessageDigest digest = MessageDigest.getInstance("SHA-256");
                        byte[] buf = new byte[16384];
                        int total = 0;
                        while (total < payload.length) {
                            int n = in.read(buf, 0, Math.min(buf.length, payload.length - total));
                            if (n < 0) {
                                throw new IOException("echo ended after " + total + " of " + payload.length + " bytes");
                            }
                            digest.update(buf, 0, n);
                            total += n;
                        }
                        assertThat(digest.digest())
                                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
                        halfClose.closeWrite();
                        assertThat(in.read())
                                .as("end of stream after the half-close went round")
                                .isEqualTo(-1);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                threads);
        return CompletableFuture.allOf(written, echoed);
    }

    /** {@code bytes} random bytes, the same for the same seed. */
    public static byte[] randomPayload(int seed, int bytes) {
        byte[] payload = new byte[bytes];
        new Random(seed).nextBytes(payload);
        return payload;
    }

    /** Alternately 4 KiB of random bytes and 4 KiB of text, so that a compressor both stores and compresses. */
    public static byte[] mixedPayload(int seed, int bytes) {
        byte[] payload = new byte[bytes];
        Random random = new Random(seed);
        byte[] text = "every smux frame through kcptun is a snappy chunk; ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes; i++) {
            payload[i] = (i / 4096) % 2 == 0 ? (byte) random.nextInt() : text[i % text.length];
        }
        return payload;
    }
}
