package org.paqet4j.grpcws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Owns one WebSocket and the byte stream it carries (an in-process gRPC connection, a backend
 * TCP connection, or an accepted local h2c connection). Either side ending — a close frame, a
 * dropped TCP connection, a read limit, the idle timer, the stream side closing — comes to
 * {@link #close}, which runs once: it sends a close frame with a real status code (so browsers see
 * 1000/1001/1009 and not 1006), closes both channels and releases what the connection held.
 * A second close path that only some failures reach is how tunnels of this kind leak.
 */
final class Pipe {

    private final Channel webSocket;
    private final Supplier<WebSocketCloseStatus> statusWhenStreamEnds;
    private final Runnable onClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel stream;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean pingOutstanding;
    private volatile ScheduledFuture<?> keepalive;

    /**
     * @param statusWhenStreamEnds the close code to send when the stream side ends first (1000, or
     *                             1001 while the bridge shuts down)
     * @param onClosed             runs once, after both channels were told to close
     */
    Pipe(Channel webSocket, Supplier<WebSocketCloseStatus> statusWhenStreamEnds, Runnable onClosed) {
        this.webSocket = webSocket;
        this.statusWhenStreamEnds = statusWhenStreamEnds;
        this.onClosed = onClosed;
    }

    Channel webSocket() {
        return webSocket;
    }

    /** The stream side, or null while it is still being connected. */
    Channel stream() {
        return stream;
    }

    /** Attaches the connected stream side; closes it at once if the pipe closed meanwhile. */
    void attachStream(Channel connected) {
        stream = connected;
        if (closed.get()) {
            connected.close();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Any inbound frame — data, ping, pong — proves the peer is alive. */
    void inboundFrame() {
        lastInboundNanos = System.nanoTime();
        pingOutstanding = false;
    }

    /**
     * Pings after {@code ping} of silence and closes with 1001 after {@code idle} of silence. Data
     * counts as life as much as a pong does: a peer busy sending may answer pings late.
     */
    void startKeepalive(Duration ping, Duration idle) {
        long pingNanos = ping.toNanos();
        long idleNanos = idle.toNanos();
        long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(pingNanos, idleNanos - pingNanos) / 2);
        keepalive = webSocket
                .eventLoop()
                .scheduleAtFixedRate(
                        () -> {
                            long silent = System.nanoTime() - lastInboundNanos;
                            if (silent >= idleNanos) {
                                close(new WebSocketCloseStatus(1001, "idle timeout"));
                            } else if (silent >= pingNanos && !pingOutstanding) {
                                pingOutstanding = true;
                                webSocket.writeAndFlush(new PingWebSocketFrame());
                            }
                        },
                        periodNanos,
                        periodNanos,
                        TimeUnit.NANOSECONDS);
        if (closed.get()) {
            keepalive.cancel(false);
        }
    }

    /** The stream side ended (EOF or error): tell the WebSocket peer why and close. */
    void streamEnded() {
        close(statusWhenStreamEnds.get());
    }

    /**
     * The one close path. Returns whether this call did the closing (false when it had already run).
     */
    boolean close(WebSocketCloseStatus status) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> timer = keepalive;
        if (timer != null) {
            timer.cancel(false);
        }
        if (webSocket.isActive()) {
            // Queued after any data frames already written, so the peer gets those first.
            webSocket.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
        } else {
            webSocket.close();
        }
        Channel s = stream;
        if (s != null) {
            // Bytes from the WebSocket are flushed to the stream once per read batch; a close frame in
            // the same batch as the last data (an HTTP/2 stream's trailers) must not discard them.
            s.flush();
            s.close();
        }
        onClosed.run();
        return true;
    }
}
