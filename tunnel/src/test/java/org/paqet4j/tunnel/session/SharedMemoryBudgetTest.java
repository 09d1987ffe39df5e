package org.paqet4j.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpDialer;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxStream;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * Real KCP + smux sessions over UDP on loopback whose client side shares one small {@link MemoryBudget}: streams
 * whose readers never read fill it, the budget holds (within what windows granted earlier let in), a stream in
 * another session still moves its bytes intact, and once everything is closed the budget is back at zero.
 */
@Timeout(300)
class SharedMemoryBudgetTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] KEY = KeyDerivation.paqet("memory budget test key");
    private static final long LIMIT = 1 << 20;
    private static final int RCVWND = 128;
    private static final int FRAME = 8192;
    private static final int STALLED_SESSIONS = 3;
    private static final int STALLED_PER_SESSION = 8;
    private static final long STALLED_REQUEST = 4L << 20;
    private static final long MOVED = 8L << 20;

    @ParameterizedTest(name = "smux v{0}")
    @ValueSource(ints = {1, 2})
    void stalledReadersFillTheBudgetAnotherSessionStillMovesAndEverythingComesBack(int version) throws Exception {
        MemoryBudget memory = MemoryBudget.of(LIMIT);
        KcpConfig kcp = KcpConfig.defaults().withWindows(RCVWND, RCVWND);
        MuxConfig mux = MuxConfig.paqetDefaults()
                .withVersion(version)
                .withMaxFrameSize(FRAME)
                .withKeepAlive(Duration.ofSeconds(2), Duration.ofSeconds(120));
        List<AutoCloseable> owned = new ArrayList<>();
        try (KcpEventLoop serverLoop = KcpEventLoop.start("membudget-test-server");
                KcpEventLoop clientLoop = KcpEventLoop.start("membudget-test-client", memory);
                UdpCarrier serverCarrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 8 << 20)) {
            KcpListener listener = KcpListener.listen(
                    serverLoop, serverCarrier, kcp, () -> Codecs.create("aes", KEY, 0, 0), 64, Duration.ofMinutes(5));
            owned.add(listener);
            Thread acceptor = Thread.ofVirtual().start(() -> serveSenders(listener, mux));

            List<MuxSession> sessions = new ArrayList<>();
            for (int i = 0; i < STALLED_SESSIONS + 1; i++) {
                UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 8 << 20);
                owned.add(carrier);
                KcpSession session = KcpDialer.dial(
                        clientLoop, carrier, serverCarrier.localAddress(), kcp, Codecs.create("aes", KEY, 0, 0));
                MuxSession client = MuxSession.client(
                        new MuxTransport(session.inputStream(), session.outputStream(), session), mux, memory);
                session.onClose(client::close);
                sessions.add(client);
            }

            // Streams that ask for 4 MiB each and never read a byte.
            List<MuxStream> stalled = new ArrayList<>();
            for (int s = 0; s < STALLED_SESSIONS; s++) {
                for (int i = 0; i < STALLED_PER_SESSION; i++) {
                    MuxStream stream = sessions.get(s).openStream();
                    request(stream, STALLED_REQUEST, 1000L * s + i);
                    stalled.add(stream);
                }
            }
            awaitTrue(() -> memory.used() >= LIMIT * 3 / 4);

            // (b) another session still moves its bytes, intact.
            MuxStream mover = sessions.get(STALLED_SESSIONS).openStream();
            request(mover, MOVED, 42);
            assertThat(sha256(mover.inputStream(), MOVED)).isEqualTo(expectedSha256(MOVED, 42));
            mover.close();

            // (a) the budget held: past the limit only by what windows granted before it ran out let in (see
            // the mux README): KCP receive queues (a window each), one frame per stalled stream in v1, and in v2
            // the stream windows granted while memory was still free, each session capped by its smuxbuf.
            long kcpSlack = (long) (STALLED_SESSIONS + 1) * RCVWND * kcp.mtu();
            long muxSlack = version == 1
                    ? (long) STALLED_SESSIONS * STALLED_PER_SESSION * FRAME
                    : (long) STALLED_SESSIONS * mux.maxReceiveBuffer();
            assertThat(memory.peak()).as("peak use, limit %d", LIMIT).isLessThanOrEqualTo(LIMIT + kcpSlack + muxSlack);
            assertThat(memory.used()).isGreaterThan(0);

            // (c) closing everything gives every byte back: half the stalled streams closed one by one (their
            // buffers dropped), the sessions aborted under the rest.
            for (int i = 0; i < stalled.size(); i += 2) {
                stalled.get(i).close();
            }
            for (MuxSession session : sessions) {
                session.abort(new IOException("test ends the session"));
            }
            for (int i = 1; i < stalled.size(); i += 2) {
                stalled.get(i).close();
            }
            awaitTrue(() -> memory.used() == 0);
            listener.close();
            acceptor.join();
        } finally {
            for (AutoCloseable c : owned.reversed()) {
                c.close();
            }
        }
        assertThat(memory.used()).isZero();
    }

    /** Server side: every stream says how many bytes of which seed it wants, and gets them. */
    private static void serveSenders(KcpListener listener, MuxConfig mux) {
        while (true) {
            KcpSession kcp;
            try {
                kcp = listener.accept();
            } catch (IOException e) {
                return;
            }
            MuxSession server = MuxSession.server(new MuxTransport(kcp.inputStream(), kcp.outputStream(), kcp), mux);
            kcp.onClose(server::close);
            Thread.ofVirtual().start(() -> {
                while (true) {
                    MuxStream stream;
                    try {
                        stream = server.acceptStream();
                    } catch (IOException e) {
                        return;
                    }
                    Thread.ofVirtual().start(() -> send(stream));
                }
            });
        }
    }

    private static void send(MuxStream stream) {
        try (stream) {
            DataInputStream in = new DataInputStream(stream.inputStream());
            long count = in.readLong();
            long seed = in.readLong();
            Random random = new Random(seed);
            byte[] chunk = new byte[16 * 1024];
            OutputStream out = stream.outputStream();
            for (long left = count; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            stream.closeWrite();
            in.read(); // until the client closes
        } catch (IOException e) {
            // The client closed a stalled stream, or the session: expected at the end.
        }
    }

    private static void request(MuxStream stream, long count, long seed) throws IOException {
        DataOutputStream out = new DataOutputStream(stream.outputStream());
        out.writeLong(count);
        out.writeLong(seed);
        out.flush();
    }

    private static String sha256(InputStream in, long expected) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[32 * 1024];
        long total = 0;
        int n;
        while (total < expected && (n = in.read(buf)) > 0) {
            sha.update(buf, 0, n);
            total += n;
        }
        assertThat(total).isEqualTo(expected);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String expectedSha256(long count, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] chunk = new byte[16 * 1024];
        for (long left = count; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            sha.update(chunk, 0, (int) Math.min(chunk.length, left));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Waits on a condition, with a deadline only as a guard against hanging for ever. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 120 s");
            }
            Thread.sleep(10);
        }
    }
}
