package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;

/** One end of an in-memory session pair; the client end opens streams, the server end accepts them. */
public final class MemorySession implements TunnelSession {

    private static final MemoryStream CLOSED = MemoryStream.pair(0)[0];

    private final InetSocketAddress remote;
    private final BlockingQueue<MemoryStream> acceptQueue = new LinkedBlockingQueue<>();
    private final List<MemoryStream> streams = new CopyOnWriteArrayList<>();
    private final List<Runnable> closeActions = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextId;
    private MemorySession peer;
    private volatile boolean closed;
    /** While set, {@link #openStream()} refuses as a session at its stream limit does. */
    public volatile boolean full;
    /** Stands in for "a frame arrived": the test's peer calls {@link #heardFromPeer()} (its keepalive). */
    private volatile long lastHeardNanos = System.nanoTime();

    private MemorySession(InetSocketAddress remote, int firstId) {
        this.remote = remote;
        this.nextId = new AtomicInteger(firstId);
    }

    /** [client, server]. */
    public static MemorySession[] pair(InetSocketAddress clientAddress, InetSocketAddress serverAddress) {
        MemorySession client = new MemorySession(serverAddress, 3);
        MemorySession server = new MemorySession(clientAddress, 2);
        client.peer = server;
        server.peer = client;
        return new MemorySession[] {client, server};
    }

    @Override
    public TunnelStream openStream() throws IOException {
        if (closed) {
            throw new IOException("session is closed");
        }
        if (full) {
            throw new IOException("cannot open a stream, " + streams.size() + " streams are open (maxStreams)");
        }
        MemoryStream[] pair = MemoryStream.pair(nextId.getAndAdd(2));
        streams.add(pair[0]);
        peer.streams.add(pair[1]);
        peer.acceptQueue.add(pair[1]);
        return pair[0];
    }

    @Override
    public TunnelStream acceptStream() throws IOException {
        try {
            MemoryStream stream = acceptQueue.take();
            if (stream == CLOSED || closed) {
                acceptQueue.offer(CLOSED);
                throw new IOException("session is closed");
            }
            return stream;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public int streamCount() {
        return streams.size();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public Duration peerSilence() {
        return Duration.ofNanos(System.nanoTime() - lastHeardNanos);
    }

    /** Records that something arrived from the peer now, as a keepalive NOP or an ACK would. */
    public void heardFromPeer() {
        lastHeardNanos = System.nanoTime();
    }

    @Override
    public void onClose(Runnable action) {
        if (closed) {
            action.run();
        } else {
            closeActions.add(action);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        acceptQueue.offer(CLOSED);
        streams.forEach(MemoryStream::close);
        closeActions.forEach(Runnable::run);
        peer.close();
    }
}
