package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.route.MacAddress;

class LearnedNextHopsTest {

    private static final InetAddress PEER = InetAddress.ofLiteral("198.18.0.2");
    private static final MacAddress FIRST = MacAddress.parse("02:00:00:00:00:01");
    private static final MacAddress SECOND = MacAddress.parse("02:00:00:00:00:02");

    @Test
    void remembersTheLastSourceMacAndReportsOnlyChanges() {
        LearnedNextHops hops = new LearnedNextHops(16);
        assertThat(hops.of(PEER)).isNull();
        assertThat(hops.observe(PEER, FIRST.bits()))
                .as("first sighting is no change")
                .isFalse();
        assertThat(hops.observe(PEER, FIRST.bits())).isFalse();
        assertThat(hops.of(PEER)).isEqualTo(FIRST);
        assertThat(hops.observe(PEER, SECOND.bits())).as("the next hop moved").isTrue();
        assertThat(hops.of(PEER)).isEqualTo(SECOND);
    }

    @Test
    void startsOverWhenFull() {
        LearnedNextHops hops = new LearnedNextHops(2);
        hops.observe(InetAddress.ofLiteral("198.18.0.3"), FIRST.bits());
        hops.observe(InetAddress.ofLiteral("198.18.0.4"), FIRST.bits());
        hops.observe(PEER, SECOND.bits());
        assertThat(hops.of(InetAddress.ofLiteral("198.18.0.3"))).isNull();
        assertThat(hops.of(PEER)).isEqualTo(SECOND);
    }
}
