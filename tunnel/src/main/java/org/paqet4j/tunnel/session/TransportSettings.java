package org.paqet4j.tunnel.session;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.tunnel.guard.GuardKey;

/**
 * What a tunnel session is made of below the stream protocol: KCP settings, a fresh kcp-go codec
 * per session, the smux settings, the optional packet guard and the compression between KCP and
 * smux (kcptun's snappy framing, or none as in paqet).
 */
public record TransportSettings(
        KcpConfig kcp,
        Supplier<DatagramCodec> codecs,
        MuxConfig mux,
        Optional<GuardKey> guard,
        StreamCompression compression) {

    public TransportSettings {
        Objects.requireNonNull(compression, "compression");
    }

    /** Without compression, as paqet's protocol runs. */
    public TransportSettings(KcpConfig kcp, Supplier<DatagramCodec> codecs, MuxConfig mux, Optional<GuardKey> guard) {
        this(kcp, codecs, mux, guard, StreamCompression.NONE);
    }
}
