package org.paqet4j.tunnel.session;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.tunnel.compress.SnappyFrameInputStream;
import org.paqet4j.tunnel.compress.SnappyFrameOutputStream;

/** What runs between a KCP session and smux: nothing (paqet), or kcptun's snappy framing. */
public enum StreamCompression {
    NONE,
    /** kcptun's default: smux over snappy's framing format, every write flushed as chunks at once. */
    SNAPPY;

    /** The transport smux runs on, over the KCP session's streams. */
    public MuxTransport transport(InputStream in, OutputStream out, Closeable closer) throws IOException {
        return switch (this) {
            case NONE -> new MuxTransport(in, out, closer);
            case SNAPPY -> new MuxTransport(new SnappyFrameInputStream(in), new SnappyFrameOutputStream(out), closer);
        };
    }
}
