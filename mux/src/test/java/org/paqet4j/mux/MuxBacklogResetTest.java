package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stalled readers sharing one session with a reader that keeps up: the session buffer ({@code smuxbuf}) stays
 * bounded, the stalled streams are bounded or reset, and the reading stream's bytes arrive intact; a stream that is
 * alone, or whose reader keeps taking data, is waited for and never reset.
 */
@Timeout(120)
class MuxBacklogResetTest {
    private static final int SMUXBUF = 256 * 1024;
    private static final int STALLED = 16;

    @ParameterizedTest(name = "smux v{0}")
    @ValueSource(ints = {1, 2})
    void stalledStreamsDoNotStopAReadingStreamOfTheSameSession(int version) throws Exception {
        // streambuf = smuxbuf / 2: in v2 stream k, opened while k streams are open, is granted smuxbuf / (2k), so
        // the windows of 16 stalled streams add up to about 1.7 x smuxbuf; v1 has no windows at all.
        // A reader that took nothing for the keepalive timeout (2 s here) while smuxbuf is full counts as stalled.
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withVersion(version)
                .withBuffers(SMUXBUF, SMUXBUF / 2)
                .withKeepAlive(Duration.ofMillis(200), Duration.ofSeconds(2));
        try (SessionPair p = SessionPair.open(cfg, 64 * 1024)) {
            // The client opens streams (as SOCKS5 connections do) and never reads the first STALLED of them; the
            // server sends on each as fast as the session lets it.
            List<MuxStream> stalled = new ArrayList<>();
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < STALLED; i++) {
                stalled.add(p.client().openStream());
                MuxStream out = p.server().acceptStream(Duration.ofSeconds(5));
                senders.add(Thread.ofVirtual().start(() -> sendUntilFailure(out)));
            }
            MuxSessionTest.awaitTrue(() -> p.client().bufferedBytes() >= SMUXBUF / 2);

            AtomicLong mostBuffered = new AtomicLong();
            Thread sampler = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    mostBuffered.accumulateAndGet(p.client().bufferedBytes(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            byte[] data = new byte[4 * 1024 * 1024];
            new Random(17).nextBytes(data);
            MuxStream reader = p.client().openStream();
            MuxStream writer = p.server().acceptStream(Duration.ofSeconds(5));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return sha256(reader.inputStream());
                        } catch (IOException e) {
                            throw new AssertionError(e);
                        }
                    },
                    r -> Thread.ofVirtual().start(r));
            try (OutputStream out = writer.outputStream()) {
                out.write(data);
            }
            assertThat(received.get(60, TimeUnit.SECONDS))
                    .as("SHA-256 of the reading stream's bytes")
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            sampler.interrupt();
            sampler.join();

            assertThat(mostBuffered.get())
                    .as("most bytes the client session buffered")
                    .isLessThanOrEqualTo(SMUXBUF + cfg.maxFrameSize());
            assertThat(p.client().isClosed())
                    .as("closed: %s", p.client().closeCause())
                    .isFalse();
            if (version == 1) {
                // No windows: the stalled streams' senders never stop, so some must have been reset.
                assertThat(p.client().backlogResets()).isPositive();
            }
            int reset = 0;
            for (MuxStream s : stalled) {
                if (s.isClosed()) {
                    reset++;
                    assertThatThrownBy(() -> s.read(new byte[1], 0, 1))
                            .isInstanceOf(MuxClosedException.class)
                            .hasMessageContaining("reset")
                            .hasMessageContaining("smuxbuf");
                } else {
                    assertThat(s.available()).isLessThanOrEqualTo(SMUXBUF);
                }
            }
            assertThat(reset).isEqualTo((int) p.client().backlogResets());
            p.close();
            for (Thread t : senders) {
                assertThat(t.join(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    @Test
    void aSingleStreamIsNotResetButWaitedFor() throws Exception {
        // One stream alone: nobody else waits behind it, so a full smuxbuf pauses the session (plain backpressure).
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withVersion(1)
                .withBuffers(SMUXBUF, SMUXBUF)
                .withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (SessionPair p = SessionPair.open(cfg, 64 * 1024)) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            byte[] data = new byte[4 * 1024 * 1024];
            new Random(3).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream out = c.outputStream()) {
                    out.write(data);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            MuxSessionTest.awaitTrue(() -> p.server().bufferedBytes() >= SMUXBUF);
            assertThat(s.inputStream().readAllBytes()).isEqualTo(data);
            assertThat(writer.join(Duration.ofSeconds(10))).isTrue();
            assertThat(p.server().backlogResets()).isZero();
        }
    }

    @Test
    void aSessionPausedByASlowLocalReaderOutlivesItsKeepaliveTimeout() throws Exception {
        // The peer sends data; our own reader takes a little, then waits 1.5 keepalive timeouts, again and again, so
        // the receive loop spends most of the time paused on a full smuxbuf with frames from a live peer unread, and
        // is woken by each read. (v1: v2 windows stay below smuxbuf unless streams are over their share.)
        Duration timeout = Duration.ofMillis(400);
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withVersion(1)
                .withBuffers(SMUXBUF, SMUXBUF)
                .withKeepAlive(Duration.ofMillis(50), timeout);
        try (SessionPair p = SessionPair.open(cfg, 64 * 1024)) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            byte[] data = new byte[2 * 1024 * 1024];
            new Random(4).nextBytes(data);
            Thread writer = Thread.ofVirtual().start(() -> {
                try (OutputStream out = c.outputStream()) {
                    out.write(data);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });

            MessageDigest got = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[16 * 1024];
            int pauses = 0;
            for (int n; (n = s.read(buf, 0, buf.length)) > 0; ) {
                got.update(buf, 0, n);
                if (pauses < 6) {
                    pauses++;
                    MuxSessionTest.awaitTrue(() -> p.server().bufferedBytes() >= SMUXBUF);
                    Thread.sleep(timeout.toMillis() * 3 / 2);
                    assertThat(p.server().isClosed())
                            .as("closed: %s", p.server().closeCause())
                            .isFalse();
                }
            }
            assertThat(got.digest())
                    .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            assertThat(writer.join(Duration.ofSeconds(10))).isTrue();
            assertThat(p.server().isClosed()).isFalse();
            assertThat(p.client().isClosed()).isFalse();
        }
    }

    /** Writes random data until the stream or session fails (reset, closed), as a fast sender would. */
    private static void sendUntilFailure(MuxStream out) {
        byte[] chunk = new byte[32 * 1024];
        new Random(out.id()).nextBytes(chunk);
        try {
            while (true) {
                out.write(chunk, 0, chunk.length);
            }
        } catch (IOException e) {
            // the stream was reset or the session closed: this sender is done
        }
    }

    private static byte[] sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[16 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
