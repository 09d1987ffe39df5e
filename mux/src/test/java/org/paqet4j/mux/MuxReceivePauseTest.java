package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * The receive loop pauses while the session buffer (bytes) or the frame budget is used up and is woken by the
 * readers that give tokens back. Many readers giving back small amounts at once, with frames sized so both budgets
 * run out together, is where a wake-up was once lost: the session then stopped reading for good. Every stream must
 * arrive whole, and the keepalive timeout (longer than the test) must not be what ends anything.
 */
@Timeout(180)
class MuxReceivePauseTest {
    private static final int STREAMS = 16;
    private static final int BYTES_PER_STREAM = 512 * 1024;
    /** 64-byte frames: a 64 KiB smuxbuf allows 1024 of them, exactly the frame budget's floor. */
    private static final int FRAME = 64;

    @RepeatedTest(3)
    void readersReturningTokensConcurrentlyNeverLeaveTheLoopPaused() throws Exception {
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(170))
                .withMaxFrameSize(FRAME)
                .withBuffers(64 * 1024, 16 * 1024);
        try (SessionPair p = SessionPair.open(cfg, 64 * 1024)) {
            List<CompletableFuture<String>> received = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                MuxStream out = p.client().openStream();
                MuxStream in = p.server().acceptStream(Duration.ofSeconds(10));
                byte[] data = new byte[BYTES_PER_STREAM];
                new Random(i).nextBytes(data);
                sent.add(sha256(data, data.length));
                Thread.ofVirtual().start(() -> {
                    try (OutputStream o = out.outputStream()) {
                        o.write(data);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                // Platform threads: preempted anywhere, so token returns interleave as they do under load.
                CompletableFuture<String> done = new CompletableFuture<>();
                received.add(done);
                int seed = i;
                Thread.ofPlatform().daemon().start(() -> {
                    try (InputStream is = in.inputStream()) {
                        done.complete(readAllInRandomPieces(is, new Random(seed)));
                    } catch (Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
            }
            for (int i = 0; i < STREAMS; i++) {
                assertThat(received.get(i).get(150, TimeUnit.SECONDS))
                        .as(
                                "stream %d (server buffered %d bytes, session closed: %s)",
                                i, p.server().bufferedBytes(), p.server().closeCause())
                        .isEqualTo(sent.get(i));
            }
            assertThat(p.server().isClosed()).isFalse();
        }
    }

    private static String readAllInRandomPieces(InputStream in, Random random) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[300];
        for (int n; (n = in.read(buf, 0, 1 + random.nextInt(buf.length))) >= 0; ) {
            sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(byte[] data, int length) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(data, 0, length);
        return HexFormat.of().formatHex(sha.digest());
    }
}
