package org.paqet4j.packet.route;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/** One {@code RTM_NEWADDR} message: an address assigned to an interface ({@code ip address}). */
record InterfaceAddress(InetAddress address, int prefixLength, int interfaceIndex) {

    static final int RTM_NEWADDR = 20;
    static final int RTM_GETADDR = 22;
    static final int IFADDRMSG_SIZE = 8;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;

    static InterfaceAddress decode(NetlinkMessage message) throws MalformedNetlinkException {
        if (message.type() != RTM_NEWADDR) {
            throw new MalformedNetlinkException("expected RTM_NEWADDR (20), got message type " + message.type());
        }
        message.requirePayload(IFADDRMSG_SIZE, "ifaddrmsg");
        ByteBuffer in = message.payloadBuffer();
        int family = Byte.toUnsignedInt(in.get(0));
        int prefixLength = Byte.toUnsignedInt(in.get(1));
        int interfaceIndex = in.getInt(4);
        Attributes attributes =
                Attributes.parse(message.payload(), IFADDRMSG_SIZE, message.payload().length, "RTM_NEWADDR");
        // on point-to-point links IFA_ADDRESS is the far end; IFA_LOCAL is always our own
        Optional<InetAddress> local = attributes.address(IFA_LOCAL, family, interfaceIndex);
        InetAddress address = (local.isPresent() ? local : attributes.address(IFA_ADDRESS, family, interfaceIndex))
                .orElseThrow(() -> new MalformedNetlinkException(
                        "RTM_NEWADDR on ifindex " + interfaceIndex + " has neither IFA_LOCAL nor IFA_ADDRESS"));
        return new InterfaceAddress(address, prefixLength, interfaceIndex);
    }
}
