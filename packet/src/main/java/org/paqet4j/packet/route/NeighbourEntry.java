package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/** One {@code RTM_NEWNEIGH} message: which IP on which interface has which MAC, in which state. */
record NeighbourEntry(InetAddress address, int interfaceIndex, int state, Optional<MacAddress> mac) {

    static final int RTM_NEWNEIGH = 28;
    static final int RTM_GETNEIGH = 30;
    static final int NDMSG_SIZE = 12;
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;

    static final int NUD_INCOMPLETE = 0x01;
    static final int NUD_REACHABLE = 0x02;
    static final int NUD_STALE = 0x04;
    static final int NUD_DELAY = 0x08;
    static final int NUD_PROBE = 0x10;
    static final int NUD_FAILED = 0x20;
    static final int NUD_NOARP = 0x40;
    static final int NUD_PERMANENT = 0x80;
    /** States whose MAC is a real, confirmed-at-some-point answer. */
    private static final int USABLE = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;

    static NeighbourEntry decode(NetlinkMessage message) throws MalformedNetlinkException {
        if (message.type() != RTM_NEWNEIGH) {
            throw new MalformedNetlinkException("expected RTM_NEWNEIGH (28), got message type " + message.type());
        }
        message.requirePayload(NDMSG_SIZE, "ndmsg");
        ByteBuffer in = message.payloadBuffer();
        int family = Byte.toUnsignedInt(in.get(0));
        int interfaceIndex = in.getInt(4);
        int state = Short.toUnsignedInt(in.getShort(8));
        Attributes attributes =
                Attributes.parse(message.payload(), NDMSG_SIZE, message.payload().length, "RTM_NEWNEIGH");
        InetAddress address = attributes
                .address(NDA_DST, family, interfaceIndex)
                .orElseThrow(() ->
                        new MalformedNetlinkException("RTM_NEWNEIGH on ifindex " + interfaceIndex + " has no NDA_DST"));
        Optional<MacAddress> mac =
                attributes.bytes(NDA_LLADDR).filter(b -> b.length == 6).map(MacAddress::of);
        return new NeighbourEntry(address, interfaceIndex, state, mac);
    }

    boolean usable() {
        return (state & USABLE) != 0 && mac.isPresent();
    }

    static String stateName(int state) {
        StringBuilder names = new StringBuilder();
        String[] all = {"INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};
        for (int bit = 0; bit < all.length; bit++) {
            if ((state & (1 << bit)) != 0) {
                names.append(names.isEmpty() ? "" : "|").append(all[bit]);
            }
        }
        return names.isEmpty() ? "NONE" : names.toString();
    }
}
