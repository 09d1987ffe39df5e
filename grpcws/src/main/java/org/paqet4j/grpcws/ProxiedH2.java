package org.paqet4j.grpcws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a proxy-mode bridge follows of one HTTP/2 connection it carries, so that it can shut down
 * gracefully itself instead of relying on the backend: it inserts a GOAWAY into the bytes for the
 * client at a frame boundary, and it knows when no stream is open any more. The GOAWAY names the
 * highest stream id (2^31-1), as HTTP/2 advises for a graceful shutdown: the client opens no new
 * streams, and every stream it already opened counts as accepted, so none is retried elsewhere
 * after the backend may have acted on it.
 *
 * <p>Runs on the WebSocket's event loop, which in proxy mode also runs the backend connection.
 * The stream table is bounded: past {@link #MAX_TRACKED_STREAMS} it stops tracking, and the
 * connection is then kept until the shutdown grace ends.
 */
final class ProxiedH2 {

    static final int MAX_TRACKED_STREAMS = 10_000;
    private static final int CLIENT_DONE = 1;
    private static final int SERVER_DONE = 2;

    private final H2FrameScanner fromClient = new H2FrameScanner(true, this::clientFrame);
    private final H2FrameScanner toClient = new H2FrameScanner(false, this::serverFrame);
    /** Open streams, each with which sides have ended it. */
    private final Map<Integer, Integer> open = new HashMap<>();

    private int highestClientStream;
    private boolean untracked;
    private boolean goAwayWanted;
    private boolean goAwaySent;

    /** Bytes from the client, on their way to the backend. */
    void fromClient(ByteBuf bytes) {
        fromClient.scan(bytes);
    }

    /**
     * Bytes from the backend, on their way to the client: handed to {@code out} in order, with the
     * GOAWAY inserted at the first frame boundary when one is due. Takes over {@code bytes}.
     */
    void toClient(ByteBuf bytes, Consumer<ByteBuf> out) {
        if (goAwayWanted && !goAwaySent && bytes.isReadable()) {
            int n = toClient.scan(bytes, bytes.readerIndex(), bytes.readableBytes(), true);
            if (toClient.atBoundary()) {
                out.accept(bytes.readRetainedSlice(n));
                out.accept(goAwayFrame());
                goAwaySent = true;
            } else {
                out.accept(bytes);
                return;
            }
        }
        toClient.scan(bytes);
        if (bytes.isReadable()) {
            out.accept(bytes);
        } else {
            bytes.release();
        }
    }

    /**
     * Asks for a GOAWAY to the client. Returns it when it may be sent at once (the bytes sent so
     * far end on a frame boundary); otherwise {@link #toClient} inserts it and this returns null.
     */
    ByteBuf goAway() {
        if (goAwayWanted) {
            return null;
        }
        goAwayWanted = true;
        if (toClient.atBoundary()) {
            goAwaySent = true;
            return goAwayFrame();
        }
        return null;
    }

    /** The GOAWAY went out, no stream is open and the client has every byte of the last frame. */
    boolean drained() {
        return goAwaySent && !untracked && open.isEmpty() && toClient.atBoundary();
    }

    boolean goAwaySent() {
        return goAwaySent;
    }

    int openStreams() {
        return open.size();
    }

    private static ByteBuf goAwayFrame() {
        return Unpooled.wrappedBuffer(H2FrameScanner.goAway(Integer.MAX_VALUE));
    }

    private void clientFrame(int type, int flags, int streamId) {
        if (type == H2FrameScanner.TYPE_HEADERS
                && (streamId & 1) == 1
                && streamId > highestClientStream
                && !untracked) {
            highestClientStream = streamId;
            if (open.size() >= MAX_TRACKED_STREAMS) {
                untracked = true;
                open.clear();
                return;
            }
            open.put(streamId, 0);
        }
        ended(type, flags, streamId, CLIENT_DONE);
    }

    private void serverFrame(int type, int flags, int streamId) {
        ended(type, flags, streamId, SERVER_DONE);
    }

    private void ended(int type, int flags, int streamId, int side) {
        Integer done = open.get(streamId);
        if (done == null) {
            return;
        }
        if (type == H2FrameScanner.TYPE_RST_STREAM) {
            open.remove(streamId);
        } else if ((type == H2FrameScanner.TYPE_HEADERS || type == H2FrameScanner.TYPE_DATA)
                && (flags & H2FrameScanner.FLAG_END_STREAM) != 0) {
            int now = done | side;
            if (now == (CLIENT_DONE | SERVER_DONE)) {
                open.remove(streamId);
            } else {
                open.put(streamId, now);
            }
        }
    }
}
