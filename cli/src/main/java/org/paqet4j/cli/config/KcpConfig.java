package org.paqet4j.cli.config;

import java.time.Duration;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;

/**
 * {@code transport.kcp}: KCP, the kcp-go datagram layer (cipher, FEC) and smux.
 *
 * @param tuning the values {@code mode} stands for (for {@code manual}: the configured ones)
 * @param dshard FEC data shards; FEC is on only when both shard counts are positive
 * @param smuxbuf smux session receive buffer in bytes
 * @param streambuf smux per-stream buffer in bytes
 */
public record KcpConfig(
        KcpMode mode,
        KcpTuning tuning,
        int mtu,
        int rcvwnd,
        int sndwnd,
        int dshard,
        int pshard,
        BlockCrypt block,
        String key,
        int smuxbuf,
        int streambuf,
        Duration smuxkalive,
        Duration smuxktimeout,
        GuardConfig guard,
        Kdf kdf,
        int smuxver) {

    public boolean fec() {
        return dshard > 0 && pshard > 0;
    }

    @Override
    public String toString() {
        return "KcpConfig[mode=" + mode + ", tuning=" + tuning + ", mtu=" + mtu + ", rcvwnd=" + rcvwnd
                + ", sndwnd=" + sndwnd + ", dshard=" + dshard + ", pshard=" + pshard + ", block=" + block
                + ", key=" + (key.isEmpty() ? "" : "***") + ", smuxbuf=" + smuxbuf + ", streambuf="
                + streambuf + ", smuxkalive=" + smuxkalive + ", smuxktimeout=" + smuxktimeout + ", guard="
                + guard + ", kdf=" + kdf + ", smuxver=" + smuxver + "]";
    }
}
