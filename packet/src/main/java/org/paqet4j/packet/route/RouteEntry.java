package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * One {@code RTM_NEWROUTE} message: the {@code rtmsg} fields and attributes the tunnel needs.
 * For a multipath route without {@code RTA_GATEWAY} the first next hop supplies gateway and
 * interface.
 */
record RouteEntry(
        int family,
        int destinationLength,
        int table,
        int type,
        int outputInterface,
        Optional<InetAddress> destination,
        Optional<InetAddress> gateway,
        Optional<InetAddress> preferredSource,
        long priority) {

    static final int RTM_NEWROUTE = 24;
    static final int RTM_GETROUTE = 26;
    static final int RTMSG_SIZE = 12;
    static final int RTN_UNICAST = 1;
    static final int RTN_LOCAL = 2;
    static final int RT_TABLE_MAIN = 254;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;
    /** {@code struct rtnexthop}: len u16, flags u8, hops u8, ifindex s32, then attributes. */
    private static final int RTNEXTHOP_SIZE = 8;

    private static final String[] TYPE_NAMES = {
        "unspec",
        "unicast",
        "local",
        "broadcast",
        "anycast",
        "multicast",
        "blackhole",
        "unreachable",
        "prohibit",
        "throw",
        "nat",
        "xresolve"
    };

    static RouteEntry decode(NetlinkMessage message) throws MalformedNetlinkException {
        if (message.type() != RTM_NEWROUTE) {
            throw new MalformedNetlinkException("expected RTM_NEWROUTE (24), got message type " + message.type());
        }
        message.requirePayload(RTMSG_SIZE, "rtmsg");
        ByteBuffer in = message.payloadBuffer();
        int family = Byte.toUnsignedInt(in.get(0));
        int destinationLength = Byte.toUnsignedInt(in.get(1));
        int table = Byte.toUnsignedInt(in.get(4));
        int type = Byte.toUnsignedInt(in.get(7));
        Attributes attributes =
                Attributes.parse(message.payload(), RTMSG_SIZE, message.payload().length, "RTM_NEWROUTE");
        if (family != AddressFamily.AF_INET && family != AddressFamily.AF_INET6) {
            throw new MalformedNetlinkException("RTM_NEWROUTE: unexpected address family " + family);
        }
        int outputInterface = attributes.u32(RTA_OIF).orElse(0);
        Optional<InetAddress> gateway = attributes.address(RTA_GATEWAY, family, outputInterface);
        if (gateway.isEmpty() && attributes.has(RTA_MULTIPATH)) {
            byte[] hops = attributes.bytes(RTA_MULTIPATH).orElseThrow();
            if (hops.length >= RTNEXTHOP_SIZE) {
                ByteBuffer hop = ByteBuffer.wrap(hops).order(NetlinkMessage.ORDER);
                int hopLength = Short.toUnsignedInt(hop.getShort(0));
                if (hopLength < RTNEXTHOP_SIZE || hopLength > hops.length) {
                    throw new MalformedNetlinkException("RTM_NEWROUTE: first next hop has rtnh_len " + hopLength
                            + ", multipath attribute holds " + hops.length + " bytes");
                }
                outputInterface = hop.getInt(4);
                gateway = Attributes.parse(hops, RTNEXTHOP_SIZE, hopLength, "RTM_NEWROUTE next hop")
                        .address(RTA_GATEWAY, family, outputInterface);
            }
        }
        return new RouteEntry(
                family,
                destinationLength,
                attributes.u32(RTA_TABLE).orElse(table),
                type,
                outputInterface,
                attributes.address(RTA_DST, family, outputInterface),
                gateway,
                attributes.address(RTA_PREFSRC, family, outputInterface),
                Integer.toUnsignedLong(attributes.u32(RTA_PRIORITY).orElse(0)));
    }

    static String typeName(int type) {
        return type < TYPE_NAMES.length ? TYPE_NAMES[type] : "type " + type;
    }
}
