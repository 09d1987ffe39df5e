package org.paqet4j.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.runtime.ClientPlan;

class ListenerLimitsTest {

    @Test
    void connectionsAreEightyPercentOfTheFdLimitSplitOverTheListeners() {
        assertThat(ListenerLimits.connectionsPerListener(20_000, 1)).isEqualTo(16_000);
        assertThat(ListenerLimits.connectionsPerListener(20_000, 4)).isEqualTo(4_000);
        assertThat(ListenerLimits.connectionsPerListener(1024, 0)).isEqualTo(819);
        assertThat(ListenerLimits.connectionsPerListener(64, 8))
                .as("never below 16")
                .isEqualTo(16);
    }

    @Test
    void theFdLimitIsThisProcesssSoftLimit() throws Exception {
        String soft = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files"))
                .findFirst()
                .orElseThrow()
                .trim()
                .split("\\s+")[3];
        assertThat(ListenerLimits.fdLimit()).isEqualTo(Long.parseLong(soft));
    }

    @Test
    void aPlanSplitsTheDefaultOverItsTcpListenersOnlyAndKeepsAnExplicitCap() {
        var any = new InetSocketAddress(0);
        List<ClientPlan.Socks> socks = List.of(new ClientPlan.Socks(any, Optional.empty()));
        List<ClientPlan.Forward> forwards = List.of(
                new ClientPlan.Forward(any, new Target("h", 1), false),
                new ClientPlan.Forward(any, new Target("h", 2), true));
        ClientOptions options = ClientOptions.defaults(1, new short[] {TcpFlags.parse("PA")});
        ClientPlan auto =
                new ClientPlan(options, socks, forwards, Duration.ofSeconds(10), Duration.ofSeconds(60), 256, false);
        assertThat(auto.listenerLimits())
                .isEqualTo(new ListenerLimits(
                        ListenerLimits.connectionsPerListener(ListenerLimits.fdLimit(), 2),
                        1024,
                        Duration.ofSeconds(60)));
        ClientPlan explicit = new ClientPlan(
                options, socks, forwards, Duration.ofSeconds(10), Duration.ofSeconds(5), 256, false, 100, 7);
        assertThat(explicit.listenerLimits()).isEqualTo(new ListenerLimits(100, 7, Duration.ofSeconds(5)));
        assertThatThrownBy(() -> new ListenerLimits(0, 1, Duration.ofSeconds(1)))
                .hasMessageContaining("maxConnections");
    }
}
