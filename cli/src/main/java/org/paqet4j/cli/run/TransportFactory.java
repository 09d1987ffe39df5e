package org.paqet4j.cli.run;

import java.time.Duration;
import java.util.Optional;
import org.paqet4j.cli.config.Kdf;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.memory.MemoryBudget;
import org.paqet4j.tunnel.guard.GuardKey;
import org.paqet4j.tunnel.guard.GuardedCarrier;
import org.paqet4j.tunnel.session.StreamCompression;
import org.paqet4j.tunnel.session.TransportSettings;

/** Turns {@code transport.kcp} into the KCP, codec, smux and guard settings of a tunnel session. */
final class TransportFactory {
    private TransportFactory() {}

    static TransportSettings settings(PaqetConfig config) {
        org.paqet4j.cli.config.KcpConfig kcp = config.transport().kcp();
        boolean guard = kcp.guard().enabled();
        // The guard header (sender, counter, time, tag) rides in front of every datagram, inside the configured MTU.
        int mtu = guard ? kcp.mtu() - GuardedCarrier.OVERHEAD : kcp.mtu();
        KcpConfig kcpConfig = KcpConfig.builder()
                .tuning(kcp.tuning())
                .mtu(mtu)
                .windows(kcp.sndwnd(), kcp.rcvwnd())
                .build();
        byte[] key = kcp.kdf() == Kdf.KCPTUN ? KeyDerivation.kcptun(kcp.key()) : KeyDerivation.paqet(kcp.key());
        String cipher = kcp.block().yamlName();
        int dataShards = kcp.dshard();
        int parityShards = kcp.pshard();
        MuxConfig mux = new MuxConfig(
                kcp.smuxver(),
                kcp.smuxkalive(),
                kcp.smuxktimeout(),
                MuxConfig.MAX_FRAME_SIZE_LIMIT,
                kcp.smuxbuf(),
                kcp.streambuf(),
                config.limits().maxStreamsPerSession());
        Optional<GuardKey> guardKey = guard
                ? Optional.of(new GuardKey(
                        GuardKey.deriveKey(kcp.guard().key().orElse(kcp.key())),
                        kcp.guard().window(),
                        kcp.guard().skew(),
                        System::currentTimeMillis))
                : Optional.empty();
        // kcptun compresses unless told --nocomp; paqet never does
        StreamCompression compression = config.kcptun()
                .map(k -> k.nocomp() ? StreamCompression.NONE : StreamCompression.SNAPPY)
                .orElse(StreamCompression.NONE);
        // One budget for the whole process: the launcher hands the same object to the KCP event loop.
        MemoryBudget memory = MemoryBudget.of(config.limits().memoryBytes());
        return new TransportSettings(
                kcpConfig,
                () -> Codecs.create(cipher, key, dataShards, parityShards),
                mux,
                guardKey,
                compression,
                memory);
    }

    /** How long resolving a next-hop MAC may take at startup. */
    static final Duration NEIGHBOUR_TIMEOUT = Duration.ofSeconds(3);
}
