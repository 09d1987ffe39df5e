package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.1", 40000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("203.0.113.9", 40000);

    private static Set<InetAddress> trusted() throws Exception {
        return Set.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2"));
    }

    @Test
    void forwardedForIsIgnoredFromAnUntrustedPeer() throws Exception {
        assertThat(ClientAddress.resolve(STRANGER, List.of("198.51.100.7"), trusted()))
                .isEqualTo(STRANGER);
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() throws Exception {
        InetSocketAddress a = ClientAddress.resolve(PROXY, List.of("1.2.3.4, 198.51.100.7", "10.0.0.2"), trusted());
        assertThat(a.getAddress().getHostAddress()).isEqualTo("198.51.100.7");
    }

    @Test
    void namesAndGarbageAreNeverLookedUp() throws Exception {
        InetSocketAddress a = ClientAddress.resolve(PROXY, List.of("evil.example, 198.51.100.7"), trusted());
        assertThat(a.getAddress().getHostAddress()).isEqualTo("198.51.100.7");
        assertThat(ClientAddress.resolve(PROXY, List.of("not-an-ip"), trusted()))
                .isEqualTo(PROXY);
        assertThat(ClientAddress.resolve(PROXY, List.of(), trusted())).isEqualTo(PROXY);
    }

    @Test
    void ipv6HopsWork() throws Exception {
        InetSocketAddress a = ClientAddress.resolve(PROXY, List.of("2001:db8::5"), trusted());
        assertThat(a.getAddress()).isEqualTo(InetAddress.getByName("2001:db8::5"));
    }
}
