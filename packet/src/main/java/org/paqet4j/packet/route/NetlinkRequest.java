package org.paqet4j.packet.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one request message: header, the family-specific fixed part, then attributes, which may
 * nest. Host byte order throughout, except where a {@code BigEndian} method says otherwise
 * (nf_tables carries its integers in network order).
 */
public final class NetlinkRequest {

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_CREATE = 0x400;
    public static final int NLM_F_EXCL = 0x200;
    /** Set in an attribute's type when its value is itself attributes. */
    public static final int NLA_F_NESTED = 0x8000;

    private ByteBuffer out = ByteBuffer.allocate(512).order(NetlinkMessage.ORDER);
    private final int type;
    private final int flags;

    public NetlinkRequest(int type, int flags) {
        this.type = type;
        this.flags = NLM_F_REQUEST | flags;
        out.position(NetlinkMessage.HEADER_SIZE);
    }

    public NetlinkRequest u8(int value) {
        room(1).put((byte) value);
        return this;
    }

    public NetlinkRequest u16(int value) {
        room(2).putShort((short) value);
        return this;
    }

    /** A 16-bit value in network byte order (e.g. {@code nfgenmsg.res_id}). */
    public NetlinkRequest u16BigEndian(int value) {
        room(2).order(ByteOrder.BIG_ENDIAN).putShort((short) value).order(NetlinkMessage.ORDER);
        return this;
    }

    public NetlinkRequest u32(int value) {
        room(4).putInt(value);
        return this;
    }

    public NetlinkRequest attribute(int attributeType, byte[] value) {
        padToAlignment();
        room(4 + value.length)
                .putShort((short) (4 + value.length))
                .putShort((short) attributeType)
                .put(value);
        return this;
    }

    public NetlinkRequest attributeU32(int attributeType, int value) {
        byte[] bytes =
                ByteBuffer.allocate(4).order(NetlinkMessage.ORDER).putInt(value).array();
        return attribute(attributeType, bytes);
    }

    public NetlinkRequest attributeU32BigEndian(int attributeType, int value) {
        return attribute(attributeType, ByteBuffer.allocate(4).putInt(value).array());
    }

    /** A NUL-terminated string, as the kernel's {@code NLA_STRING} policies accept it. */
    public NetlinkRequest attributeString(int attributeType, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(attributeType, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens a nested attribute; its value is everything written until {@link #endNested(int)}. */
    public int beginNested(int attributeType) {
        padToAlignment();
        int start = out.position();
        room(4).putShort((short) 0).putShort((short) (attributeType | NLA_F_NESTED));
        return start;
    }

    public NetlinkRequest endNested(int start) {
        out.putShort(start, (short) (out.position() - start));
        return this;
    }

    public byte[] build() {
        padToAlignment();
        int length = out.position();
        out.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags);
        return Arrays.copyOf(out.array(), length);
    }

    private void padToAlignment() {
        while (out.position() % 4 != 0) {
            room(1).put((byte) 0);
        }
    }

    private ByteBuffer room(int bytes) {
        if (out.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes))
                    .order(NetlinkMessage.ORDER);
            bigger.put(out.array(), 0, out.position());
            out = bigger;
        }
        return out;
    }
}
