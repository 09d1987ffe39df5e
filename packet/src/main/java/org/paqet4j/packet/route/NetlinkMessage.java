package org.paqet4j.packet.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message: the 16-byte {@code nlmsghdr} fields and a copy of its payload. Netlink is
 * host byte order, so every multi-byte field is read in {@link ByteOrder#nativeOrder()}.
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, byte[] payload) {

    public static final int HEADER_SIZE = 16;
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLM_F_MULTI = 0x2;

    /**
     * Splits {@code length} received bytes into messages. Every {@code nlmsg_len} is checked
     * against the bytes actually present: a lying length is an error, never an out-of-bounds read.
     */
    public static List<NetlinkMessage> parseAll(byte[] buffer, int length) throws MalformedNetlinkException {
        if (length < 0 || length > buffer.length) {
            throw new MalformedNetlinkException("received length " + length + " outside buffer of " + buffer.length);
        }
        ByteBuffer in = ByteBuffer.wrap(buffer, 0, length).order(ORDER);
        List<NetlinkMessage> messages = new ArrayList<>();
        int offset = 0;
        while (offset < length) {
            int left = length - offset;
            if (left < HEADER_SIZE) {
                throw new MalformedNetlinkException("netlink message at offset " + offset + ": " + left
                        + " bytes left, the header needs " + HEADER_SIZE);
            }
            long declared = Integer.toUnsignedLong(in.getInt(offset));
            if (declared < HEADER_SIZE) {
                throw new MalformedNetlinkException("netlink message at offset " + offset + ": nlmsg_len " + declared
                        + " is smaller than the " + HEADER_SIZE + "-byte header");
            }
            if (declared > left) {
                throw new MalformedNetlinkException("netlink message at offset " + offset + ": nlmsg_len " + declared
                        + " exceeds the " + left + " bytes left");
            }
            int size = (int) declared;
            int type = Short.toUnsignedInt(in.getShort(offset + 4));
            int flags = Short.toUnsignedInt(in.getShort(offset + 6));
            int sequence = in.getInt(offset + 8);
            int portId = in.getInt(offset + 12);
            byte[] payload = new byte[size - HEADER_SIZE];
            in.get(offset + HEADER_SIZE, payload);
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            offset += Math.min(align(size), left);
        }
        return messages;
    }

    /** The kernel's {@code NLMSG_ALIGN} / {@code RTA_ALIGN}: round up to 4 bytes. */
    public static int align(int length) {
        return (length + 3) & ~3;
    }

    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).order(ORDER);
    }

    /** For {@code NLMSG_ERROR}: the negated errno (0 is an acknowledgement). */
    public int errorCode() throws MalformedNetlinkException {
        if (payload.length < 4) {
            throw new MalformedNetlinkException("NLMSG_ERROR payload is " + payload.length + " bytes, needs 4");
        }
        return payloadBuffer().getInt(0);
    }

    /** Checks that the payload holds the fixed header {@code what} of {@code size} bytes. */
    public void requirePayload(int size, String what) throws MalformedNetlinkException {
        if (payload.length < size) {
            throw new MalformedNetlinkException("message type " + type + ": payload of " + payload.length
                    + " bytes is shorter than its " + size + "-byte " + what);
        }
    }
}
