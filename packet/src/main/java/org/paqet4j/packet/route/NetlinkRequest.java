package org.paqet4j.packet.route;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds one request message: header, the family-specific fixed part, then attributes. */
final class NetlinkRequest {

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_DUMP = 0x300;

    private final ByteBuffer out = ByteBuffer.allocate(512).order(NetlinkMessage.ORDER);
    private final int type;
    private final int flags;

    NetlinkRequest(int type, int flags) {
        this.type = type;
        this.flags = NLM_F_REQUEST | flags;
        out.position(NetlinkMessage.HEADER_SIZE);
    }

    NetlinkRequest u8(int value) {
        out.put((byte) value);
        return this;
    }

    NetlinkRequest u16(int value) {
        out.putShort((short) value);
        return this;
    }

    NetlinkRequest u32(int value) {
        out.putInt(value);
        return this;
    }

    NetlinkRequest attribute(int attributeType, byte[] value) {
        padToAlignment();
        out.putShort((short) (4 + value.length)).putShort((short) attributeType).put(value);
        return this;
    }

    NetlinkRequest attributeU32(int attributeType, int value) {
        byte[] bytes = ByteBuffer.allocate(4).order(NetlinkMessage.ORDER).putInt(value).array();
        return attribute(attributeType, bytes);
    }

    byte[] build() {
        padToAlignment();
        int length = out.position();
        out.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags);
        return Arrays.copyOf(out.array(), length);
    }

    private void padToAlignment() {
        while (out.position() % 4 != 0) {
            out.put((byte) 0);
        }
    }
}
