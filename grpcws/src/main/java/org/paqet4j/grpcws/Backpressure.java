package org.paqet4j.grpcws;

import io.netty.channel.Channel;

/**
 * Stops reading one channel while the channel it writes to is full; the writability event of the
 * full channel turns reading back on. The two channels may run on different event loops, so the
 * full one may drain between our check and the pause — the re-check after pausing catches that
 * (without it, reading would stay off for good).
 */
final class Backpressure {

    private Backpressure() {}

    static void pause(Channel reader, Channel full) {
        reader.config().setAutoRead(false);
        if (full.isWritable()) {
            reader.config().setAutoRead(true);
        }
    }
}
