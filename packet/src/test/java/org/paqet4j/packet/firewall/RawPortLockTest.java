package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** The port lock within one process: taken once, refused with the owner's PID, free again after close. */
class RawPortLockTest {

    @Test
    void aTakenPortIsRefusedWithTheOwnersPidAndFreeAgainAfterClose() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20_000, 60_000);
        try (RawPortLock owner = RawPortLock.acquire(port, Role.CLIENT)) {
            assertThat(owner.port()).isEqualTo(port);
            assertThatThrownBy(() -> RawPortLock.acquire(port, Role.CLIENT))
                    .isInstanceOf(FirewallException.class)
                    .hasMessageStartingWith("raw TCP port " + port + " (client local port " + port
                            + ") is in use by another paqet4j process (pid "
                            + ProcessHandle.current().pid() + ")");
            try (RawPortLock other = RawPortLock.acquire(port + 1, Role.CLIENT)) {
                assertThat(other.port()).as("other ports are independent").isEqualTo(port + 1);
            }
            owner.close();
            owner.close(); // idempotent
            try (RawPortLock again = RawPortLock.acquire(port, Role.SERVER)) {
                assertThat(again.port()).isEqualTo(port);
            }
        }
    }
}
