package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

    /** A message as the kernel would send it: header, fixed part, attributes. */
    static byte[] message(int type, int flags, int seq, byte[] body) {
        int length = NetlinkMessage.HEADER_SIZE + body.length;
        ByteBuffer out = ByteBuffer.allocate(NetlinkMessage.align(length)).order(ByteOrder.nativeOrder());
        out.putInt(length)
                .putShort((short) type)
                .putShort((short) flags)
                .putInt(seq)
                .putInt(0)
                .put(body);
        return out.array();
    }

    static byte[] routeBody(int family, int dstLength, int table, int type, byte[]... attributes) {
        ByteBuffer out = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
        out.put((byte) family)
                .put((byte) dstLength)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) table)
                .put((byte) 3)
                .put((byte) 0)
                .put((byte) type)
                .putInt(0);
        for (byte[] attribute : attributes) {
            out.put(attribute);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    static byte[] attribute(int type, byte[] value) {
        ByteBuffer out =
                ByteBuffer.allocate(NetlinkMessage.align(4 + value.length)).order(ByteOrder.nativeOrder());
        out.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        return out.array();
    }

    static byte[] u32(int value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.nativeOrder())
                .putInt(value)
                .array();
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer out =
                ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    @Test
    void decodesARouteGetAnswer() throws Exception {
        byte[] bytes = message(
                RouteEntry.RTM_NEWROUTE,
                0,
                7,
                routeBody(
                        2,
                        32,
                        254,
                        1,
                        attribute(RouteEntry.RTA_TABLE, u32(254)),
                        attribute(RouteEntry.RTA_DST, new byte[] {(byte) 198, 19, 0, 5}),
                        attribute(RouteEntry.RTA_OIF, u32(3)),
                        attribute(RouteEntry.RTA_GATEWAY, new byte[] {(byte) 198, 18, 0, 2}),
                        attribute(RouteEntry.RTA_PREFSRC, new byte[] {(byte) 198, 18, 0, 1})));
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(bytes, bytes.length);
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().sequence()).isEqualTo(7);
        RouteEntry route = RouteEntry.decode(messages.getFirst());
        assertThat(route.outputInterface()).isEqualTo(3);
        assertThat(route.table()).isEqualTo(254);
        assertThat(route.gateway()).contains(InetAddress.getByName("198.18.0.2"));
        assertThat(route.preferredSource()).contains(InetAddress.getByName("198.18.0.1"));
        assertThat(route.destination()).contains(InetAddress.getByName("198.19.0.5"));
    }

    @Test
    void takesTheFirstNextHopOfAMultipathRoute() throws Exception {
        byte[] gatewayAttribute = attribute(RouteEntry.RTA_GATEWAY, new byte[] {10, 0, 0, 1});
        ByteBuffer hop = ByteBuffer.allocate(8 + gatewayAttribute.length).order(ByteOrder.nativeOrder());
        hop.putShort((short) (8 + gatewayAttribute.length))
                .put((byte) 0)
                .put((byte) 0)
                .putInt(5)
                .put(gatewayAttribute);
        byte[] bytes = message(
                RouteEntry.RTM_NEWROUTE,
                2,
                1,
                routeBody(2, 0, 254, 1, attribute(RouteEntry.RTA_MULTIPATH, hop.array())));
        RouteEntry route =
                RouteEntry.decode(NetlinkMessage.parseAll(bytes, bytes.length).getFirst());
        assertThat(route.outputInterface()).isEqualTo(5);
        assertThat(route.gateway()).contains(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void decodesNeighboursAndLinks() throws Exception {
        ByteBuffer ndmsg = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        ndmsg.put((byte) 10)
                .put((byte) 0)
                .putShort((short) 0)
                .putInt(4)
                .putShort((short) NeighbourEntry.NUD_STALE)
                .put((byte) 0)
                .put((byte) 1);
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        byte[] bytes = message(
                NeighbourEntry.RTM_NEWNEIGH,
                2,
                1,
                concat(
                        ndmsg.array(),
                        attribute(NeighbourEntry.NDA_DST, linkLocal),
                        attribute(
                                NeighbourEntry.NDA_LLADDR,
                                MacAddress.parse("02:00:00:00:00:01").bytes())));
        NeighbourEntry neighbour = NeighbourEntry.decode(
                NetlinkMessage.parseAll(bytes, bytes.length).getFirst());
        assertThat(neighbour.usable()).isTrue();
        assertThat(neighbour.mac()).contains(MacAddress.parse("02:00:00:00:00:01"));
        assertThat(((Inet6Address) neighbour.address()).getScopeId()).isEqualTo(4);
        assertThat(NeighbourEntry.stateName(NeighbourEntry.NUD_FAILED)).isEqualTo("FAILED");

        ByteBuffer ifinfo = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        ifinfo.put((byte) 0)
                .put((byte) 0)
                .putShort((short) 1)
                .putInt(2)
                .putInt(0x1043)
                .putInt(0);
        byte[] link = message(
                Link.RTM_NEWLINK,
                0,
                1,
                concat(
                        ifinfo.array(),
                        attribute(Link.IFLA_IFNAME, "eth0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                        attribute(Link.IFLA_MTU, u32(1500)),
                        attribute(
                                Link.IFLA_ADDRESS,
                                MacAddress.parse("02:00:00:00:00:02").bytes())));
        assertThat(Link.decode(NetlinkMessage.parseAll(link, link.length).getFirst()))
                .isEqualTo(new Link(
                        2, "eth0", java.util.Optional.of(MacAddress.parse("02:00:00:00:00:02")), 1500, 0x1043));
    }

    @Test
    void splitsSeveralMessagesAndKeepsTheirHeaders() throws Exception {
        byte[] done = message(NetlinkMessage.NLMSG_DONE, 2, 9, u32(0));
        byte[] error = message(NetlinkMessage.NLMSG_ERROR, 0, 9, concat(u32(-101), new byte[16]));
        byte[] both = concat(done, error);
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(both, both.length);
        assertThat(messages).extracting(NetlinkMessage::type).containsExactly(3, 2);
        assertThat(messages.get(1).errorCode()).isEqualTo(-101);
    }

    @Test
    void neverTrustsNlmsgLen() {
        byte[] valid = message(NetlinkMessage.NLMSG_DONE, 0, 1, u32(0));
        byte[] tooLong = valid.clone();
        ByteBuffer.wrap(tooLong).order(ByteOrder.nativeOrder()).putInt(0, 4096);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(tooLong, tooLong.length))
                .isInstanceOf(MalformedNetlinkException.class)
                .hasMessage("netlink message at offset 0: nlmsg_len 4096 exceeds the 20 bytes left");
        byte[] tooShort = valid.clone();
        ByteBuffer.wrap(tooShort).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(tooShort, tooShort.length))
                .hasMessage("netlink message at offset 0: nlmsg_len 8 is smaller than the 16-byte header");
        byte[] negative = valid.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.nativeOrder()).putInt(0, -16);
        assertThatThrownBy(() -> NetlinkMessage.parseAll(negative, negative.length))
                .hasMessage("netlink message at offset 0: nlmsg_len 4294967280 exceeds the 20 bytes left");
        assertThatThrownBy(() -> NetlinkMessage.parseAll(valid, 10))
                .hasMessage("netlink message at offset 0: 10 bytes left, the header needs 16");
    }

    @Test
    void neverTrustsRtaLen() {
        byte[] body = routeBody(2, 32, 254, 1, attribute(RouteEntry.RTA_OIF, u32(3)));
        ByteBuffer.wrap(body).order(ByteOrder.nativeOrder()).putShort(12, (short) 200);
        byte[] bytes = message(RouteEntry.RTM_NEWROUTE, 0, 1, body);
        assertThatThrownBy(() -> RouteEntry.decode(
                        NetlinkMessage.parseAll(bytes, bytes.length).getFirst()))
                .isInstanceOf(MalformedNetlinkException.class)
                .hasMessage("RTM_NEWROUTE: attribute type 4 at offset 12 has rta_len 200 but only 8 bytes are left");

        ByteBuffer.wrap(body).order(ByteOrder.nativeOrder()).putShort(12, (short) 2);
        byte[] tiny = message(RouteEntry.RTM_NEWROUTE, 0, 1, body);
        assertThatThrownBy(() -> RouteEntry.decode(
                        NetlinkMessage.parseAll(tiny, tiny.length).getFirst()))
                .hasMessage(
                        "RTM_NEWROUTE: attribute type 4 at offset 12 has rta_len 2, smaller than its 4-byte header");

        byte[] wrongSize = message(
                RouteEntry.RTM_NEWROUTE,
                0,
                1,
                routeBody(2, 32, 254, 1, attribute(RouteEntry.RTA_GATEWAY, new byte[16])));
        assertThatThrownBy(() -> RouteEntry.decode(
                        NetlinkMessage.parseAll(wrongSize, wrongSize.length).getFirst()))
                .hasMessage("RTM_NEWROUTE: address attribute type 5 has 16 bytes, family 2 needs 4");

        byte[] shortHeader = message(RouteEntry.RTM_NEWROUTE, 0, 1, new byte[8]);
        assertThatThrownBy(() -> RouteEntry.decode(
                        NetlinkMessage.parseAll(shortHeader, shortHeader.length).getFirst()))
                .hasMessage("message type 24: payload of 8 bytes is shorter than its 12-byte rtmsg");
    }

    @Test
    void requestsAreAlignedAndCarryTheirLength() {
        byte[] request = new NetlinkRequest(RouteEntry.RTM_GETROUTE, 0)
                .u8(2)
                .u8(32)
                .u16(0)
                .u32(0)
                .u32(0)
                .attribute(RouteEntry.RTA_DST, new byte[] {1, 2, 3})
                .build();
        ByteBuffer in = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
        assertThat(request.length % 4).isZero();
        assertThat(in.getInt(0)).isEqualTo(request.length);
        assertThat(in.getShort(4)).isEqualTo((short) RouteEntry.RTM_GETROUTE);
        assertThat(in.getShort(6)).isEqualTo((short) NetlinkRequest.NLM_F_REQUEST);
        assertThat(in.getShort(28)).as("rta_len excludes padding").isEqualTo((short) 7);
    }

    @Test
    void decodesRealKernelDumps() throws Exception {
        // Captured from a namespace with 198.18.0.1/24 on p4jseeda, a default route via 198.18.0.2
        // and a multipath route to 198.19.0.0/24 (see the fuzz seeds).
        byte[] routes = seed("route-dump-ipv4");
        List<RouteEntry> decoded = new ArrayList<>();
        for (NetlinkMessage message : NetlinkMessage.parseAll(routes, routes.length)) {
            if (message.type() == RouteEntry.RTM_NEWROUTE) {
                decoded.add(RouteEntry.decode(message));
            }
        }
        assertThat(decoded).anySatisfy(r -> {
            assertThat(r.destinationLength()).isZero();
            assertThat(r.gateway()).contains(InetAddress.getByName("198.18.0.2"));
        });
        assertThat(decoded).anySatisfy(r -> {
            assertThat(r.destination()).contains(InetAddress.getByName("198.19.0.0"));
            assertThat(r.gateway()).contains(InetAddress.getByName("198.18.0.2"));
        });
        byte[] neighbours = seed("neigh-dump-ipv6");
        assertThat(NetlinkMessage.parseAll(neighbours, neighbours.length).stream()
                        .filter(m -> m.type() == NeighbourEntry.RTM_NEWNEIGH)
                        .map(m -> {
                            try {
                                return NeighbourEntry.decode(m);
                            } catch (MalformedNetlinkException e) {
                                throw new AssertionError(e);
                            }
                        })
                        .filter(n -> n.address().getHostAddress().startsWith("fe80:0:0:0:0:0:0:2")))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.mac()).contains(MacAddress.parse("02:00:00:00:00:03"));
                    assertThat(n.usable()).isTrue();
                });
    }

    private static byte[] seed(String name) throws IOException {
        try (var in = NetlinkMessageTest.class.getResourceAsStream("NetlinkMessageFuzzInputs/parseAndDecode/" + name)) {
            return in.readAllBytes();
        }
    }
}
