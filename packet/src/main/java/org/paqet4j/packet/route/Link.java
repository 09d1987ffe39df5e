package org.paqet4j.packet.route;

import java.nio.ByteBuffer;
import java.util.Optional;

/** One {@code RTM_NEWLINK} message: an interface's index, name, hardware address, MTU and flags. */
record Link(int index, String name, Optional<MacAddress> mac, int mtu, int flags) {

    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int IFINFOMSG_SIZE = 16;
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFF_LOOPBACK = 0x8;

    static Link decode(NetlinkMessage message) throws MalformedNetlinkException {
        if (message.type() != RTM_NEWLINK) {
            throw new MalformedNetlinkException("expected RTM_NEWLINK (16), got message type " + message.type());
        }
        message.requirePayload(IFINFOMSG_SIZE, "ifinfomsg");
        ByteBuffer in = message.payloadBuffer();
        int index = in.getInt(4);
        int flags = in.getInt(8);
        Attributes attributes =
                Attributes.parse(message.payload(), IFINFOMSG_SIZE, message.payload().length, "RTM_NEWLINK");
        String name = attributes
                .string(IFLA_IFNAME)
                .orElseThrow(() ->
                        new MalformedNetlinkException("RTM_NEWLINK for ifindex " + index + " has no IFLA_IFNAME"));
        Optional<MacAddress> mac =
                attributes.bytes(IFLA_ADDRESS).filter(b -> b.length == 6).map(MacAddress::of);
        return new Link(index, name, mac, attributes.u32(IFLA_MTU).orElse(0), flags);
    }

    boolean loopback() {
        return (flags & IFF_LOOPBACK) != 0;
    }
}
