package org.paqet4j.packet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.sys.Commands;

/** Read-only queries against this host's own tables (nothing is sent anywhere). */
class RoutesTest {

    @Test
    void loopbackRoutesAreLocalAndDirect() throws IOException {
        Route v4 = Routes.routeTo(InetAddress.getByName("127.0.0.1"));
        assertThat(v4.interfaceName()).isEqualTo("lo");
        assertThat(v4.source()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(v4.gateway()).isNull();
        assertThat(v4.interfaceIndex()).isEqualTo(1);

        Route v6 = Routes.routeTo(InetAddress.getByName("::1"));
        assertThat(v6.interfaceName()).isEqualTo("lo");
        assertThat(v6.gateway()).isNull();
    }

    @Test
    void loopbackPathUsesTheInterfaceItselfAsNextHop() throws IOException {
        NetworkPath path = NetworkPath.resolve(
                InetAddress.getByName("127.0.0.1"), Optional.empty(), Optional.empty(), Duration.ofSeconds(1));
        assertThat(path.interfaceName()).isEqualTo("lo");
        assertThat(path.interfaceMac()).isEqualTo(MacAddress.ZERO);
        assertThat(path.nextHopMac()).isEqualTo(MacAddress.ZERO);
        assertThat(path.mtu()).isEqualTo(65536);
        assertThat(path.source()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void missingInterfaceOverrideIsNamed() {
        assertThatThrownBy(() -> NetworkPath.resolve(
                        InetAddress.getByName("127.0.0.1"),
                        Optional.of("p4j-missing0"),
                        Optional.empty(),
                        Duration.ofSeconds(1)))
                .isInstanceOf(NetworkPathException.class)
                .hasMessage("interface 'p4j-missing0' (network.interface) does not exist");
    }

    @Test
    void defaultGatewayAgreesWithIproute2() throws Exception {
        for (StandardProtocolFamily family :
                new StandardProtocolFamily[] {StandardProtocolFamily.INET, StandardProtocolFamily.INET6}) {
            String flag = family == StandardProtocolFamily.INET ? "-4" : "-6";
            // `ip route show default` lists the main table's default routes, lowest metric first.
            String listing = Commands.onHost().check("ip", flag, "route", "show", "default");
            Optional<Gateway> gateway = Routes.defaultGateway(family);
            String firstVia =
                    listing.lines().filter(l -> l.contains(" via ")).findFirst().orElse("");
            if (firstVia.isEmpty()) {
                assertThat(gateway).as("%s default gateway", family).isEmpty();
                continue;
            }
            String[] words = firstVia.split("\\s+");
            String via = words[java.util.Arrays.asList(words).indexOf("via") + 1];
            String dev = words[java.util.Arrays.asList(words).indexOf("dev") + 1];
            assertThat(gateway).as("%s default gateway", family).isPresent();
            assertThat(gateway.get().address()).isEqualTo(InetAddress.getByName(via));
            assertThat(gateway.get().interfaceName()).isEqualTo(dev);
        }
    }
}
