package org.paqet4j.packet.route;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.paqet4j.packet.AddressText;

/** The rtnetlink requests the tunnel makes: route get/dump, neighbour dump, address dump, link get. */
final class RtNetlink {

    static final int ENODEV = 19;

    private RtNetlink() {}

    /** The kernel's answer to "how do I reach {@code destination}" ({@code ip route get}), optionally via {@code oif}. */
    static RouteEntry routeGet(NetlinkSocket socket, InetAddress destination, int oif) throws NetlinkException {
        int family = AddressFamily.of(destination);
        int interfaceIndex = oif;
        if (interfaceIndex == 0 && destination instanceof Inet6Address v6 && v6.getScopeId() > 0) {
            interfaceIndex = v6.getScopeId(); // fe80::x%eth1 only means something on eth1
        }
        byte[] address = destination.getAddress();
        NetlinkRequest request = rtmsg(new NetlinkRequest(RouteEntry.RTM_GETROUTE, 0), family, address.length * 8)
                .attribute(RouteEntry.RTA_DST, address);
        if (interfaceIndex > 0) {
            request.attributeU32(RouteEntry.RTA_OIF, interfaceIndex);
        }
        String what = "route lookup for " + AddressText.of(destination)
                + (interfaceIndex > 0 ? " via ifindex " + interfaceIndex : "");
        List<NetlinkMessage> replies = socket.request(request.build(), false, what);
        if (replies.isEmpty()) {
            throw new MalformedNetlinkException(what + ": the kernel acknowledged without a route");
        }
        return RouteEntry.decode(replies.getFirst());
    }

    static List<RouteEntry> routeDump(NetlinkSocket socket, int family) throws NetlinkException {
        NetlinkRequest request =
                rtmsg(new NetlinkRequest(RouteEntry.RTM_GETROUTE, NetlinkRequest.NLM_F_DUMP), family, 0);
        List<RouteEntry> routes = new ArrayList<>();
        for (NetlinkMessage message : socket.request(request.build(), true, "route dump (family " + family + ")")) {
            routes.add(RouteEntry.decode(message));
        }
        return routes;
    }

    static List<NeighbourEntry> neighbourDump(NetlinkSocket socket, int family) throws NetlinkException {
        NetlinkRequest request = new NetlinkRequest(NeighbourEntry.RTM_GETNEIGH, NetlinkRequest.NLM_F_DUMP)
                .u8(family)
                .u8(0)
                .u16(0)
                .u32(0)
                .u16(0)
                .u8(0)
                .u8(0);
        List<NeighbourEntry> neighbours = new ArrayList<>();
        for (NetlinkMessage message : socket.request(request.build(), true, "neighbour dump (family " + family + ")")) {
            neighbours.add(NeighbourEntry.decode(message));
        }
        return neighbours;
    }

    /** Every address of {@code family} assigned to an interface ({@code ip address show}). */
    static List<InterfaceAddress> addressDump(NetlinkSocket socket, int family) throws NetlinkException {
        // ifaddrmsg: family, prefixlen, flags, scope, index
        NetlinkRequest request = new NetlinkRequest(InterfaceAddress.RTM_GETADDR, NetlinkRequest.NLM_F_DUMP)
                .u8(family)
                .u8(0)
                .u8(0)
                .u8(0)
                .u32(0);
        List<InterfaceAddress> addresses = new ArrayList<>();
        for (NetlinkMessage message : socket.request(request.build(), true, "address dump (family " + family + ")")) {
            addresses.add(InterfaceAddress.decode(message));
        }
        return addresses;
    }

    static Link link(NetlinkSocket socket, int index) throws NetlinkException {
        return link(socket, ifinfomsg(index).build(), "interface lookup for ifindex " + index);
    }

    static Link link(NetlinkSocket socket, String name) throws NetlinkException {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, terminated, 0, utf8.length);
        return link(
                socket,
                ifinfomsg(0).attribute(Link.IFLA_IFNAME, terminated).build(),
                "interface lookup for '" + name + "'");
    }

    private static Link link(NetlinkSocket socket, byte[] request, String what) throws NetlinkException {
        List<NetlinkMessage> replies = socket.request(request, false, what);
        if (replies.isEmpty()) {
            throw new MalformedNetlinkException(what + ": the kernel acknowledged without an interface");
        }
        return Link.decode(replies.getFirst());
    }

    /** The interface name for messages; falls back to the index when the lookup itself fails. */
    static String interfaceName(NetlinkSocket socket, int index) {
        try {
            return link(socket, index).name();
        } catch (NetlinkException e) {
            return "ifindex " + index;
        }
    }

    private static NetlinkRequest rtmsg(NetlinkRequest request, int family, int destinationLength) {
        // family, dst_len, src_len, tos, table, protocol, scope, type, flags
        return request.u8(family)
                .u8(destinationLength)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u8(0)
                .u32(0);
    }

    private static NetlinkRequest ifinfomsg(int index) {
        // family AF_UNSPEC, pad, type, index, flags, change
        return new NetlinkRequest(Link.RTM_GETLINK, 0)
                .u8(0)
                .u8(0)
                .u16(0)
                .u32(index)
                .u32(0)
                .u32(0);
    }
}
