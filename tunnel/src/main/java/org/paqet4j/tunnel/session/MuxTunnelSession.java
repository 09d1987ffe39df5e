package org.paqet4j.tunnel.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxStream;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * A {@link TunnelSession} over an smux session. Closing it closes the mux session, which then
 * closes its transport (the KCP session and, on the client, its carrier): mux before KCP, so
 * nothing is written on a dead transport.
 */
public final class MuxTunnelSession implements TunnelSession {

    private final MuxSession mux;
    private final InetSocketAddress remote;

    public MuxTunnelSession(MuxSession mux, InetSocketAddress remote) {
        this.mux = mux;
        this.remote = remote;
    }

    @Override
    public TunnelStream openStream() throws IOException {
        return new Stream(mux.openStream());
    }

    @Override
    public TunnelStream acceptStream() throws IOException {
        return new Stream(mux.acceptStream());
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public int streamCount() {
        return mux.streamCount();
    }

    @Override
    public boolean isClosed() {
        return mux.isClosed();
    }

    @Override
    public Duration peerSilence() {
        return mux.peerSilence();
    }

    @Override
    public Optional<Throwable> closeCause() {
        return Optional.ofNullable(mux.closeCause());
    }

    @Override
    public void onClose(Runnable action) {
        mux.onClose(action);
    }

    @Override
    public void close() {
        mux.close();
    }

    @Override
    public String toString() {
        return mux + " to " + AddressText.of(remote);
    }

    private record Stream(MuxStream mux) implements TunnelStream {

        @Override
        public int id() {
            return mux.id();
        }

        @Override
        public InputStream inputStream() {
            return mux.inputStream();
        }

        @Override
        public OutputStream outputStream() {
            return mux.outputStream();
        }

        @Override
        public void closeWrite() throws IOException {
            mux.closeWrite();
        }

        @Override
        public void setReadTimeout(Duration timeout) {
            mux.setReadTimeout(timeout);
        }

        @Override
        public void writeMessage(byte[] b, int off, int len) throws IOException {
            mux.writeMessage(b, off, len);
        }

        @Override
        public int readMessage(byte[] dst, int off) throws IOException {
            return mux.readMessage(dst, off);
        }

        @Override
        public MemoryBudget memory() {
            return mux.session().memory();
        }

        @Override
        public void close() {
            mux.close();
        }
    }
}
