package org.paqet4j.tunnel.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

    @Test
    void stopsThenDrainsThenClosesInRegistrationOrderOnce() {
        List<String> events = new CopyOnWriteArrayList<>();
        GracefulShutdown shutdown = new GracefulShutdown()
                .stopAccepting("socks", () -> events.add("stop socks"))
                .drain("streams", timeout -> events.add("drain " + (timeout.toMillis() <= 750)))
                .thenClose("mux", () -> events.add("close mux"))
                .thenClose("kcp", () -> {
                    events.add("close kcp");
                    throw new IllegalStateException("already closed");
                })
                .thenClose("firewall", () -> events.add("close firewall"));
        assertThat(shutdown.run(Duration.ofSeconds(1))).isTrue();
        assertThat(shutdown.run(Duration.ofSeconds(1))).isTrue();
        assertThat(events).containsExactly("stop socks", "drain true", "close mux", "close kcp", "close firewall");
    }

    @Test
    void reportsWorkThatDidNotDrainAndStillCloses() {
        List<String> events = new CopyOnWriteArrayList<>();
        boolean drained = new GracefulShutdown()
                .drain("busy", timeout -> false)
                .thenClose("all", () -> events.add("closed"))
                .run(Duration.ofMillis(100));
        assertThat(drained).isFalse();
        assertThat(events).containsExactly("closed");
    }
}
