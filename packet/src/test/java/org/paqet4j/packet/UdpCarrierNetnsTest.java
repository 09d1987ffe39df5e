package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/** The UDP carrier between two namespaces: every size up to the MTU limit, both ways, both families. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class UdpCarrierNetnsTest {

    private static NetnsPair pair;

    @BeforeAll
    static void createNamespaces() throws Exception {
        pair = NetnsPair.create("pu");
    }

    @AfterAll
    static void deleteNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void datagramsOfEverySizeUpToTheMtuCrossBothWays(int family) throws Exception {
        InetAddress addressA = family == 4 ? pair.a().ipv4() : pair.a().ipv6();
        InetAddress addressB = family == 4 ? pair.b().ipv4() : pair.b().ipv6();
        try (UdpCarrier a = pair.inA(() -> UdpCarrier.bind(new InetSocketAddress(addressA, 45_001), 1 << 20));
                UdpCarrier b = pair.inB(() -> UdpCarrier.bind(new InetSocketAddress(addressB, 45_002), 1 << 20))) {
            int largest = 1500 - (family == 4 ? 20 : 40) - 8;
            Random random = new Random(family);
            ByteBuffer dst = ByteBuffer.allocate(65_536);
            for (int size = 1; size <= largest; size++) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                a.send(ByteBuffer.wrap(payload), b.localAddress());
                dst.clear();
                assertThat(b.receive(dst)).isEqualTo(a.localAddress());
                assertThat(Arrays.copyOf(dst.array(), dst.position())).isEqualTo(payload);
                b.send(ByteBuffer.wrap(payload), a.localAddress());
                dst.clear();
                assertThat(a.receive(dst)).isEqualTo(b.localAddress());
                assertThat(Arrays.copyOf(dst.array(), dst.position())).isEqualTo(payload);
            }
            assertThat(b.counters().packetsReceived()).isEqualTo(largest);
        }
    }
}
