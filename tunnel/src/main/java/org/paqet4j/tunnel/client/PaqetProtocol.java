package org.paqet4j.tunnel.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PushbackInputStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.log.LogThrottle;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * paqet's stream protocol on the client: every stream starts with a header, a new session sends
 * the client's TCP flags (TCPF) and must answer a PING before it is used, and live sessions are
 * checked with PINGs judged by the peer's silence rather than the PONG's latency.
 */
public final class PaqetProtocol implements ClientProtocol {

    private static final Logger log = LoggerFactory.getLogger(PaqetProtocol.class);

    private final ClientOptions options;
    private final LogThrottle noPingLog = new LogThrottle(Duration.ofSeconds(30));

    PaqetProtocol(ClientOptions options) {
        this.options = options;
    }

    @Override
    public StreamHeader tcpHeader(Target target) {
        return new StreamHeader.Tcp(target);
    }

    @Override
    public StreamHeader udpHeader(Target target) {
        return new StreamHeader.Udp(target);
    }

    /** Sends TCPF, then expects a PONG within the ping timeout (a plain timeout: nothing queued yet). */
    @Override
    public void setUp(TunnelSession session) throws IOException {
        sendFlags(session);
        strictPing(session, options.pingTimeout());
    }

    @Override
    public Duration ping(SessionSource sessions, long deadlineNanos) throws IOException {
        TunnelSession session = sessions.next();
        long start = System.nanoTime();
        Duration left = Duration.ofNanos(Math.max(deadlineNanos - start, 1_000_000));
        strictPing(session, left);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private void sendFlags(TunnelSession session) throws IOException {
        try (TunnelStream stream = session.openStream()) {
            StreamHeaderWriter.write(new StreamHeader.Tcpf(options.remoteFlags()), stream.outputStream());
            stream.closeWrite();
        }
    }

    private static void strictPing(TunnelSession session, Duration timeout) throws IOException {
        try (TunnelStream stream = session.openStream()) {
            StreamHeaderWriter.write(new StreamHeader.Ping(), stream.outputStream());
            stream.setReadTimeout(timeout);
            StreamHeader answer = StreamHeaderReader.read(stream.inputStream());
            if (!(answer instanceof StreamHeader.Pong)) {
                throw new IOException(
                        "PING to " + AddressText.of(session.remoteAddress()) + " answered with " + answer);
            }
        } catch (InterruptedIOException e) {
            throw new IOException("no PONG from " + AddressText.of(session.remoteAddress()) + " within " + timeout, e);
        }
    }

    /**
     * One health check: a PING whose PONG may be late. The PING queues behind everything we upload (up
     * to a full KCP send window, seconds on a slow uplink), so a late PONG alone proves nothing; the
     * session fails only when the peer sent nothing at all (no data, no smux keepalive NOP) for the
     * whole ping timeout, or answered with something else. Until then the wait goes on.
     *
     * <p>A session at its stream limit has no room for the PING, here ({@code max_streams}) or at
     * the server, which then closes the PING stream unanswered. That says nothing about the peer,
     * and failing on it would let whoever fills the streams cut every other stream with the
     * session, so then silence alone is judged.
     */
    @Override
    public void checkHealth(TunnelSession session, BooleanSupplier clientClosed) throws IOException {
        Duration timeout = options.pingTimeout();
        TunnelStream opened;
        try {
            opened = session.openStream();
        } catch (IOException e) {
            if (session.isClosed()) {
                throw e;
            }
            judgeBySilence(session, "no stream for the PING: " + e.getMessage(), clientClosed);
            return;
        }
        try (TunnelStream stream = opened) {
            StreamHeaderWriter.write(new StreamHeader.Ping(), stream.outputStream());
            PushbackInputStream in = new PushbackInputStream(stream.inputStream(), 1);
            Duration wait = timeout;
            boolean confirming = false;
            while (true) {
                stream.setReadTimeout(wait);
                StreamHeader answer;
                try {
                    int first = in.read();
                    if (first < 0) {
                        judgeBySilence(session, "the PING stream was closed unanswered (stream limit)", clientClosed);
                        return;
                    }
                    in.unread(first);
                    // A PONG is one 5-byte frame: a timeout never splits it.
                    answer = StreamHeaderReader.read(in);
                } catch (InterruptedIOException e) {
                    Duration silence = session.peerSilence();
                    boolean silent = silence.compareTo(timeout) >= 0;
                    if (clientClosed.getAsBoolean() || session.isClosed() || silent && confirming) {
                        throw new IOException(
                                "no PONG from " + AddressText.of(session.remoteAddress())
                                        + " and nothing received for "
                                        + silence.toMillis() + " ms (ping timeout " + timeout.toMillis() + " ms)",
                                e);
                    }
                    if (silent) {
                        // Believed only once it outlasts a second look: see confirmationWait().
                        confirming = true;
                        wait = confirmationWait();
                        continue;
                    }
                    confirming = false;
                    log.debug(
                            "PONG from {} is late, but the peer sent something {} ms ago: still waiting",
                            AddressText.of(session.remoteAddress()),
                            silence.toMillis());
                    wait = timeout.minus(silence);
                    continue;
                }
                if (!(answer instanceof StreamHeader.Pong)) {
                    throw new IOException(
                            "PING to " + AddressText.of(session.remoteAddress()) + " answered with " + answer);
                }
                return;
            }
        }
    }

    /**
     * How long a silence of the whole ping timeout is watched before it is believed. A pause of our own
     * process (a long GC pause, a starved or stolen CPU, a suspended VM) stops our receive thread as well,
     * so on waking every session looks silent for the length of the pause; the datagrams the kernel queued
     * meanwhile are read within milliseconds, and a live peer shows up in that second look. Closing on
     * the first look cut every stream of a healthy session after a 3 s pause on a loaded machine. A dead
     * peer is noticed this much later: a third of the ping timeout.
     */
    private Duration confirmationWait() {
        return options.pingTimeout().dividedBy(3);
    }

    /** The health check without a PING: fails only when the peer has been silent for the whole ping timeout. */
    private void judgeBySilence(TunnelSession session, String why, BooleanSupplier clientClosed) throws IOException {
        Duration silence = session.peerSilence();
        if (silence.compareTo(options.pingTimeout()) >= 0) {
            long until = System.nanoTime() + confirmationWait().toNanos();
            while (System.nanoTime() < until && !clientClosed.getAsBoolean() && !session.isClosed()) {
                try {
                    Thread.sleep(Math.max(1, Math.min(50, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(
                            "health check of " + AddressText.of(session.remoteAddress()) + " interrupted");
                }
            }
            silence = session.peerSilence();
        }
        if (silence.compareTo(options.pingTimeout()) >= 0) {
            throw new IOException(why + ", and nothing received from " + AddressText.of(session.remoteAddress())
                    + " for " + silence.toMillis() + " ms (ping timeout "
                    + options.pingTimeout().toMillis() + " ms)");
        }
        if (noPingLog.permit()) {
            log.info(
                    "health check of {}: {}; the peer sent something {} ms ago, so the session stays"
                            + " ({} more since the last line)",
                    AddressText.of(session.remoteAddress()),
                    why,
                    silence.toMillis(),
                    noPingLog.takeSuppressed());
        }
    }
}
