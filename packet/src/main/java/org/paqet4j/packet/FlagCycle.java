package org.paqet4j.packet;

import java.util.concurrent.atomic.AtomicLong;
import org.paqet4j.packet.wire.TcpFlags;

/** A list of TCP flag masks handed out round-robin, one per packet, from any thread. */
final class FlagCycle {

    private final short[] masks;
    private final AtomicLong next = new AtomicLong();

    FlagCycle(short[] masks) {
        validate(masks);
        this.masks = masks.clone();
    }

    static void validate(short[] masks) {
        if (masks.length == 0 || masks.length > TcpFlags.MAX_LIST_LENGTH) {
            throw new IllegalArgumentException(
                    "a flag list needs 1 to " + TcpFlags.MAX_LIST_LENGTH + " entries, got " + masks.length);
        }
        for (short mask : masks) {
            if (!TcpFlags.isValidMask(mask)) {
                throw new IllegalArgumentException("invalid TCP flag mask 0x" + Integer.toHexString(mask & 0xFFFF));
            }
        }
    }

    int next() {
        return masks.length == 1 ? masks[0] : masks[(int) Long.remainderUnsigned(next.getAndIncrement(), masks.length)];
    }
}
