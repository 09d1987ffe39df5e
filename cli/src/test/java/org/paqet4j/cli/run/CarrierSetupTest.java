package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.paqet4j.cli.config.Carrier;
import org.paqet4j.cli.config.FirewallMode;
import org.paqet4j.cli.config.NetworkConfig;

class CarrierSetupTest {

    @Test
    void randomClientPortsAreDistinctPerSlotAndStableAcrossRedials() {
        // No configured port: every slot gets a random local port, and no two slots may share one
        // (both raw carriers would capture each other's packets).
        try (CarrierSetup setup = new CarrierSetup(new NetworkConfig(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of(),
                1 << 20,
                Carrier.RAW,
                FirewallMode.OFF))) {
            Set<Integer> ports = new HashSet<>();
            for (int slot = 0; slot < 256; slot++) {
                int port = setup.slotPort(slot);
                assertThat(port).isBetween(20_000, 29_999);
                ports.add(port);
            }
            assertThat(ports).hasSize(256);
            assertThat(setup.slotPort(7)).isEqualTo(setup.slotPort(7));
        }
    }
}
