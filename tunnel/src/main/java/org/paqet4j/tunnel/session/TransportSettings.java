package org.paqet4j.tunnel.session;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.memory.MemoryBudget;
import org.paqet4j.tunnel.guard.GuardKey;

/**
 * What a tunnel session is made of below the stream protocol: KCP settings, a fresh kcp-go codec
 * per session, the smux settings, the optional packet guard, the compression between KCP and smux
 * (kcptun's snappy framing, or none as in paqet) and the process-wide memory budget the mux
 * sessions count their buffered bytes against (the KCP event loop carries the same one for the
 * KCP sessions).
 */
public record TransportSettings(
        KcpConfig kcp,
        Supplier<DatagramCodec> codecs,
        MuxConfig mux,
        Optional<GuardKey> guard,
        StreamCompression compression,
        MemoryBudget memory) {

    public TransportSettings {
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(memory, "memory");
    }

    /** With {@code compression}; sessions count buffered bytes but never close a window for memory. */
    public TransportSettings(
            KcpConfig kcp,
            Supplier<DatagramCodec> codecs,
            MuxConfig mux,
            Optional<GuardKey> guard,
            StreamCompression compression) {
        this(kcp, codecs, mux, guard, compression, MemoryBudget.unlimited());
    }

    /** Without compression; sessions count buffered bytes but never close a window for memory. */
    public TransportSettings(KcpConfig kcp, Supplier<DatagramCodec> codecs, MuxConfig mux, Optional<GuardKey> guard) {
        this(kcp, codecs, mux, guard, StreamCompression.NONE, MemoryBudget.unlimited());
    }
}
