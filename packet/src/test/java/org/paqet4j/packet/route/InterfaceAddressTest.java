package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.paqet4j.packet.route.NetlinkMessageTest.attribute;
import static org.paqet4j.packet.route.NetlinkMessageTest.concat;
import static org.paqet4j.packet.route.NetlinkMessageTest.message;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class InterfaceAddressTest {

    private static byte[] ifaddrmsg(int family, int prefixLength, int index) {
        return ByteBuffer.allocate(InterfaceAddress.IFADDRMSG_SIZE)
                .order(ByteOrder.nativeOrder())
                .put((byte) family)
                .put((byte) prefixLength)
                .put((byte) 0)
                .put((byte) 0)
                .putInt(index)
                .array();
    }

    private static InterfaceAddress decode(byte[] body) throws Exception {
        byte[] bytes = message(InterfaceAddress.RTM_NEWADDR, 2, 1, body);
        return InterfaceAddress.decode(
                NetlinkMessage.parseAll(bytes, bytes.length).getFirst());
    }

    @Test
    void ownAddressIsIfaLocalEvenWhenIfaAddressIsThePointToPointPeer() throws Exception {
        InterfaceAddress a = decode(concat(
                ifaddrmsg(2, 32, 7),
                attribute(
                        InterfaceAddress.IFA_ADDRESS,
                        InetAddress.ofLiteral("198.18.9.2").getAddress()),
                attribute(
                        InterfaceAddress.IFA_LOCAL,
                        InetAddress.ofLiteral("198.18.9.1").getAddress())));
        assertThat(a).isEqualTo(new InterfaceAddress(InetAddress.ofLiteral("198.18.9.1"), 32, 7));
    }

    @Test
    void ipv6HasOnlyIfaAddress() throws Exception {
        InterfaceAddress a = decode(concat(
                ifaddrmsg(10, 64, 3),
                attribute(
                        InterfaceAddress.IFA_ADDRESS,
                        InetAddress.ofLiteral("2001:2::1").getAddress())));
        assertThat(a).isEqualTo(new InterfaceAddress(InetAddress.ofLiteral("2001:2::1"), 64, 3));
    }

    @Test
    void anAddressMessageWithoutAnAddressIsMalformed() {
        assertThatThrownBy(() -> decode(ifaddrmsg(2, 24, 5)))
                .isInstanceOf(MalformedNetlinkException.class)
                .hasMessageContaining("ifindex 5");
    }
}
