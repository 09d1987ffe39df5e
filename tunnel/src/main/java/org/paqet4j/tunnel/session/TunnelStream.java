package org.paqet4j.tunnel.session;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.paqet4j.packet.memory.MemoryBudget;

/**
 * One multiplexed stream as the tunnel uses it: a byte stream for TCP, a message stream (one
 * datagram per frame) for UDP. Implemented over smux by {@link MuxTunnelSession}.
 */
public interface TunnelStream extends Closeable {

    /** Stream id, for logs. */
    int id();

    InputStream inputStream();

    OutputStream outputStream();

    /** Half-close: tells the peer no more data follows (FIN); reading stays possible. */
    void closeWrite() throws IOException;

    /** Read timeout for later reads; {@link Duration#ZERO} means none. */
    void setReadTimeout(Duration timeout);

    /** Sends {@code b[off, off+len)} as exactly one message. */
    void writeMessage(byte[] b, int off, int len) throws IOException;

    /**
     * Receives exactly one message into {@code dst} from {@code off} on; returns its length, or -1
     * at end of stream. {@code dst[0, off)} is left alone, so a caller can keep a header there and
     * send header and payload as one datagram without copying the payload again.
     */
    int readMessage(byte[] dst, int off) throws IOException;

    /**
     * The process-wide budget the stream's session counts buffered bytes against; relays count the bytes they
     * hold between a read and its write there too.
     */
    MemoryBudget memory();

    /** Closes both directions; idempotent. */
    @Override
    void close();
}
