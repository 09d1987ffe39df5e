package org.paqet4j.packet.route;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The route attributes ({@code struct rtattr}: u16 length, u16 type, value, padded to 4) of one
 * message. Every {@code rta_len} is checked against the bytes present; the first occurrence of a
 * type wins, which is what iproute2 does.
 */
public final class Attributes {

    private static final int HEADER_SIZE = 4;
    /** Strips NLA_F_NESTED and NLA_F_NET_BYTEORDER from the type. */
    private static final int TYPE_MASK = 0x3FFF;

    /** One attribute, in the order it came; the type without the nested/byte-order flags. */
    public record Attribute(int type, byte[] value) {}

    private final Map<Integer, byte[]> values;
    private final List<Attribute> ordered;
    private final String owner;

    private Attributes(Map<Integer, byte[]> values, List<Attribute> ordered, String owner) {
        this.values = values;
        this.ordered = ordered;
        this.owner = owner;
    }

    /** Parses the attributes in {@code bytes[from, to)}; {@code owner} names the message in errors. */
    public static Attributes parse(byte[] bytes, int from, int to, String owner) throws MalformedNetlinkException {
        if (from < 0 || to > bytes.length || from > to) {
            throw new MalformedNetlinkException(owner + ": attribute range [" + from + ", " + to
                    + ") outside payload of " + bytes.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(NetlinkMessage.ORDER);
        Map<Integer, byte[]> values = new HashMap<>();
        List<Attribute> ordered = new ArrayList<>();
        int offset = from;
        while (to - offset >= HEADER_SIZE) {
            int length = Short.toUnsignedInt(in.getShort(offset));
            int type = Short.toUnsignedInt(in.getShort(offset + 2)) & TYPE_MASK;
            if (length < HEADER_SIZE) {
                throw new MalformedNetlinkException(owner + ": attribute type " + type + " at offset " + offset
                        + " has rta_len " + length + ", smaller than its 4-byte header");
            }
            if (length > to - offset) {
                throw new MalformedNetlinkException(owner + ": attribute type " + type + " at offset " + offset
                        + " has rta_len " + length + " but only " + (to - offset) + " bytes are left");
            }
            byte[] value = Arrays.copyOfRange(bytes, offset + HEADER_SIZE, offset + length);
            values.putIfAbsent(type, value);
            ordered.add(new Attribute(type, value));
            offset += NetlinkMessage.align(length);
        }
        if (offset < to) {
            throw new MalformedNetlinkException(owner + ": " + (to - offset) + " trailing bytes at offset " + offset
                    + " are too short for an attribute header");
        }
        return new Attributes(values, List.copyOf(ordered), owner);
    }

    /** Parses a whole value (a nested attribute's) as attributes. */
    public static Attributes parse(byte[] bytes, String owner) throws MalformedNetlinkException {
        return parse(bytes, 0, bytes.length, owner);
    }

    /** Every attribute in order, repeated types included (nf_tables lists repeat {@code NFTA_LIST_ELEM}). */
    public List<Attribute> all() {
        return ordered;
    }

    /** The value of {@code type}, parsed as nested attributes; {@code what} names it in errors. */
    public Optional<Attributes> nested(int type, String what) throws MalformedNetlinkException {
        byte[] value = values.get(type);
        return value == null ? Optional.empty() : Optional.of(parse(value, owner + " " + what));
    }

    /** A 4-byte integer in network byte order (nf_tables' {@code NLA_U32}s). */
    public OptionalInt u32BigEndian(int type) throws MalformedNetlinkException {
        OptionalInt host = u32(type);
        return host.isEmpty()
                ? host
                : OptionalInt.of(
                        NetlinkMessage.ORDER == ByteOrder.BIG_ENDIAN
                                ? host.getAsInt()
                                : Integer.reverseBytes(host.getAsInt()));
    }

    /** An 8-byte integer in network byte order (nf_tables handles and counters). */
    public OptionalLong u64BigEndian(int type) throws MalformedNetlinkException {
        byte[] value = values.get(type);
        if (value == null) {
            return OptionalLong.empty();
        }
        if (value.length != 8) {
            throw new MalformedNetlinkException(owner + ": attribute type " + type
                    + " should be an 8-byte integer, got " + value.length + " bytes");
        }
        return OptionalLong.of(ByteBuffer.wrap(value).getLong());
    }

    public boolean has(int type) {
        return values.containsKey(type);
    }

    public Optional<byte[]> bytes(int type) {
        byte[] value = values.get(type);
        return value == null ? Optional.empty() : Optional.of(value.clone());
    }

    public OptionalInt u32(int type) throws MalformedNetlinkException {
        byte[] value = values.get(type);
        if (value == null) {
            return OptionalInt.empty();
        }
        if (value.length != 4) {
            throw new MalformedNetlinkException(
                    owner + ": attribute type " + type + " should be a 4-byte integer, got " + value.length + " bytes");
        }
        return OptionalInt.of(ByteBuffer.wrap(value).order(NetlinkMessage.ORDER).getInt());
    }

    /** A NUL-terminated string attribute (interface names). */
    public Optional<String> string(int type) {
        byte[] value = values.get(type);
        if (value == null) {
            return Optional.empty();
        }
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return Optional.of(new String(value, 0, end, StandardCharsets.UTF_8));
    }

    /**
     * An address attribute of an {@code AF_INET} (4 bytes) or {@code AF_INET6} (16 bytes) message.
     * IPv6 link-local addresses get {@code scopeIndex} as their scope, so they stay usable.
     */
    Optional<InetAddress> address(int type, int family, int scopeIndex) throws MalformedNetlinkException {
        byte[] value = values.get(type);
        if (value == null) {
            return Optional.empty();
        }
        int expected = AddressFamily.addressLength(family);
        if (value.length != expected) {
            throw new MalformedNetlinkException(owner + ": address attribute type " + type + " has " + value.length
                    + " bytes, family " + family + " needs " + expected);
        }
        try {
            InetAddress address = InetAddress.getByAddress(value);
            if (address instanceof Inet6Address v6 && v6.isLinkLocalAddress() && scopeIndex > 0) {
                return Optional.of(Inet6Address.getByAddress(null, value, scopeIndex));
            }
            return Optional.of(address);
        } catch (UnknownHostException e) {
            throw new MalformedNetlinkException(owner + ": address attribute type " + type + ": " + e.getMessage());
        }
    }
}
