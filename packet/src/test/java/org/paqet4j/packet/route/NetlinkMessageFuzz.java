package org.paqet4j.packet.route;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Feeds arbitrary bytes to the netlink reader and every decoder: only
 * {@link MalformedNetlinkException} may come out, never an index or buffer exception.
 */
class NetlinkMessageFuzz {

    @FuzzTest
    void parseAndDecode(byte[] input) {
        try {
            for (NetlinkMessage message : NetlinkMessage.parseAll(input, input.length)) {
                decodeAll(message);
            }
        } catch (MalformedNetlinkException expected) {
            // the one declared failure
        }
    }

    /** Each payload goes through every decoder, whatever type the header claims, to reach their checks. */
    private static void decodeAll(NetlinkMessage message) {
        try {
            RouteEntry.decode(as(message, RouteEntry.RTM_NEWROUTE));
        } catch (MalformedNetlinkException expected) {
            // keep going with the other decoders
        }
        try {
            NeighbourEntry.decode(as(message, NeighbourEntry.RTM_NEWNEIGH));
        } catch (MalformedNetlinkException expected) {
            // keep going
        }
        try {
            Link.decode(as(message, Link.RTM_NEWLINK));
        } catch (MalformedNetlinkException expected) {
            // keep going
        }
        try {
            message.errorCode();
        } catch (MalformedNetlinkException expected) {
            // short error payload
        }
    }

    private static NetlinkMessage as(NetlinkMessage message, int type) {
        return new NetlinkMessage(type, message.flags(), message.sequence(), message.portId(), message.payload());
    }
}
