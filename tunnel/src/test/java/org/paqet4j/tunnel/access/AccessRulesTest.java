package org.paqet4j.tunnel.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void defaultsDenyLinkLocalAndMetadataAndAllowTheRest() throws UnknownHostException {
        AccessRules rules = AccessRules.defaults();
        assertThat(rules.denial(ip("169.254.169.254"), 80))
                .isEqualTo("169.254.169.254 port 80 matches deny rule 169.254.0.0/16");
        assertThat(rules.allows(ip("fe80::1"), 80)).isFalse();
        assertThat(rules.allows(ip("febf:ffff::1"), 80)).isFalse();
        assertThat(rules.allows(ip("fd00:ec2::254"), 80)).isFalse();
        assertThat(rules.allows(ip("100.100.100.200"), 80)).isFalse();
        assertThat(rules.allows(ip("100.100.100.201"), 80)).isTrue();
        assertThat(rules.allows(ip("fec0::1"), 80)).isTrue();
        assertThat(rules.allows(ip("127.0.0.1"), 22)).isTrue();
        assertThat(rules.allows(ip("2001:db8::1"), 443)).isTrue();
    }

    @Test
    void ipv4MappedIpv6CannotBypassIpv4Rules() throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        // getByAddress with 16 bytes of a mapped address yields an Inet4Address; build an Inet6Address explicitly.
        InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(AccessRules.defaults().allows(v6, 80)).isFalse();
    }

    @Test
    void allowListsRestrictNetworksAndPortsAndDenyWins() throws UnknownHostException {
        AccessRules rules = new AccessRules(
                List.of(
                        new AccessRule(Cidr.parse("10.0.0.0/8"), PortRange.parse("80")),
                        new AccessRule(Cidr.parse("10.0.0.0/8"), PortRange.parse("8000-8999"))),
                List.of(
                        AccessRule.of("10.9.0.0/16"),
                        new AccessRule(Cidr.parse("0.0.0.0/0"), PortRange.parse("8443"))));
        assertThat(rules.allows(ip("10.1.2.3"), 80)).isTrue();
        assertThat(rules.allows(ip("10.1.2.3"), 8500)).isTrue();
        assertThat(rules.denial(ip("10.1.2.3"), 8443))
                .isEqualTo("10.1.2.3 port 8443 matches deny rule 0.0.0.0/0 port 8443");
        assertThat(rules.denial(ip("10.1.2.3"), 22)).isEqualTo("10.1.2.3 port 22 matches no allow rule");
        assertThat(rules.denial(ip("10.9.2.3"), 80)).isEqualTo("10.9.2.3 port 80 matches deny rule 10.9.0.0/16");
        assertThat(rules.denial(ip("192.0.2.1"), 80)).isEqualTo("192.0.2.1 port 80 matches no allow rule");
    }

    @Test
    void cidrParsingIsStrictAndNeverResolves() {
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.1.2.3/8").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Cidr.parse("192.0.2.7").prefixLength()).isEqualTo(32);
        assertThatThrownBy(() -> Cidr.parse("dead.beef")).hasMessage("'dead.beef' is not an IP address or CIDR");
        assertThatThrownBy(() -> Cidr.parse("example.com/8"))
                .hasMessage("'example.com/8' is not an IP address or CIDR");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("prefix length 33 is outside 0..32");
        assertThatThrownBy(() -> PortRange.parse("9-1")).hasMessage("port range 9-1 is not within 0..65535");
    }

    @Test
    void unspecifiedAddressesAreNeverTargets() throws UnknownHostException {
        for (String literal : List.of("0.0.0.0", "0.1.2.3", "::", "::ffff:0.0.0.0")) {
            assertThat(AccessRules.allowAll().denial(ip(literal), 80))
                    .as(literal)
                    .contains("unspecified address");
        }
        assertThat(AccessRules.allowAll().allows(ip("1.0.0.0"), 80)).isTrue();
    }

    /** The "deny loopback and private ranges" example of docs/CONFIGURATION.md, verbatim. */
    @Test
    void theDocumentedDenyLoopbackAndPrivateExampleDeniesWhatItSays() throws UnknownHostException {
        AccessRules rules = new AccessRules(
                List.of(),
                Stream.of(
                                "127.0.0.0/8",
                                "::1",
                                "10.0.0.0/8",
                                "172.16.0.0/12",
                                "192.168.0.0/16",
                                "100.64.0.0/10",
                                "169.254.0.0/16",
                                "fc00::/7",
                                "fe80::/10")
                        .map(AccessRule::of)
                        .toList());
        byte[] mappedLoopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 127, 0, 0, 1};
        assertThat(rules.allows(Inet6Address.getByAddress(null, mappedLoopback, -1), 80))
                .isFalse();
        for (String denied : List.of(
                "127.0.0.1",
                "127.255.0.1",
                "::1",
                "10.1.2.3",
                "172.31.255.255",
                "192.168.1.1",
                "100.100.100.200",
                "169.254.169.254",
                "fd00:ec2::254",
                "fc00::1",
                "fe80::1",
                "0.0.0.0",
                "::")) {
            assertThat(rules.allows(ip(denied), 80)).as(denied).isFalse();
        }
        for (String allowed : List.of("1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111")) {
            assertThat(rules.allows(ip(allowed), 443)).as(allowed).isTrue();
        }
    }
}
