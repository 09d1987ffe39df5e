package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many streams at once over one session, then proof that nothing outlives the session. */
@Timeout(120)
class MuxStressTest {
    private static final int STREAMS = 1000;

    @Test
    void thousandConcurrentFullDuplexStreamsArriveIntactAndLeaveNoThreadOrHeapBehind() throws Exception {
        List<String> platformBefore = ThreadCensus.platformThreads();
        long heapBefore = ThreadCensus.usedHeapAfterGc();
        assertThat(ThreadCensus.muxThreads()).isZero();

        WeakReference<MuxSession> clientRef = runStreams();

        // Bounded poll: closing is prompt, but thread teardown is asynchronous.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((ThreadCensus.muxThreads() > 0 || ThreadCensus.platformThreads().size() > platformBefore.size() + 1)
                && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(ThreadCensus.muxThreads())
                .as("mux threads alive after close")
                .isZero();
        assertThat(ThreadCensus.platformThreads().size())
                .as("platform threads %s, before %s", ThreadCensus.platformThreads(), platformBefore)
                .isLessThanOrEqualTo(platformBefore.size() + 1);
        long heapAfter = ThreadCensus.usedHeapAfterGc();
        assertThat(clientRef.get()).as("closed session still reachable").isNull();
        assertThat(heapAfter - heapBefore).as("heap retained after close").isLessThan(16L * 1024 * 1024);
    }

    private static WeakReference<MuxSession> runStreams() throws Exception {
        MuxConfig cfg = MuxConfig.paqetDefaults().withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
        SessionPair p = SessionPair.open(cfg, 1024 * 1024);
        try {
            Map<Integer, String> receivedByServer = new ConcurrentHashMap<>();
            Thread acceptor = Thread.ofVirtual().name("test-acceptor").start(() -> {
                try {
                    while (true) {
                        MuxStream s = p.server().acceptStream();
                        Thread.ofVirtual().start(() -> serve(s, receivedByServer));
                    }
                } catch (IOException closed) {
                    // the session closed: the test is over
                }
            });
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Result>> results = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                // Mostly small streams, every 100th a large one.
                int size = i % 100 == 0 ? 1024 * 1024 + i : new Random(i).nextInt(65536);
                long seed = i;
                CompletableFuture<Result> r = new CompletableFuture<>();
                results.add(r);
                Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                        r.complete(exchange(p.client(), seed, size));
                    } catch (Throwable t) {
                        r.completeExceptionally(t);
                    }
                });
            }
            go.countDown();
            for (CompletableFuture<Result> f : results) {
                Result r = f.get(90, TimeUnit.SECONDS);
                assertThat(r.received())
                        .as("server to client, stream %d", r.id())
                        .isEqualTo(r.expected());
            }
            awaitZero(p);
            for (CompletableFuture<Result> f : results) {
                Result r = f.get();
                assertThat(receivedByServer.get(r.id()))
                        .as("client to server, stream %d", r.id())
                        .isEqualTo(r.sent());
            }
            assertThat(p.client().isClosed()).isFalse();
            p.close();
            acceptor.join(5000);
            assertThat(acceptor.isAlive()).isFalse();
            return new WeakReference<>(p.client());
        } finally {
            p.close();
        }
    }

    record Result(int id, String sent, String received, String expected) {}

    private static void awaitZero(SessionPair p) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((p.client().streamCount() > 0 || p.server().streamCount() > 0) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(p.client().streamCount()).isZero();
        assertThat(p.server().streamCount()).isZero();
        assertThat(p.client().bufferedBytes()).isZero();
        assertThat(p.server().bufferedBytes()).isZero();
    }

    /** The server's size for a stream, derived from its id so the client can predict the bytes. */
    private static int serverSize(int id) {
        return id % 97 == 0 ? 1024 * 1024 : new Random(id).nextInt(65536);
    }

    /** Full duplex, and neither direction waits for the other: reading never depends on writing. */
    private static void serve(MuxStream s, Map<Integer, String> receivedByServer) {
        try (s) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    feed(s.id(), serverSize(s.id()), s.outputStream());
                    s.closeWrite();
                } catch (Exception e) {
                    throw new AssertionError("server write failed on " + s, e);
                }
            });
            receivedByServer.put(s.id(), sha256(s.inputStream()));
            writer.join();
        } catch (Exception e) {
            throw new AssertionError("server read failed on " + s, e);
        }
    }

    private static Result exchange(MuxSession session, long seed, int size) throws Exception {
        try (MuxStream s = session.openStream()) {
            CompletableFuture<String> received = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    received.complete(sha256(s.inputStream()));
                } catch (Throwable t) {
                    received.completeExceptionally(t);
                }
            });
            String sent = feed(seed, size, s.outputStream());
            s.closeWrite();
            String got = received.get(60, TimeUnit.SECONDS);
            reader.join();
            String expected = feed(s.id(), serverSize(s.id()), OutputStream.nullOutputStream());
            return new Result(s.id(), sent, got, expected);
        }
    }

    /** Writes {@code size} seeded random bytes in seeded random pieces; returns their SHA-256. */
    private static String feed(long seed, int size, OutputStream out) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random rnd = new Random(seed);
        byte[] buf = new byte[1 + rnd.nextInt(40000)];
        for (int left = size; left > 0; ) {
            int n = Math.min(left, buf.length);
            rnd.nextBytes(buf);
            out.write(buf, 0, n);
            md.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
