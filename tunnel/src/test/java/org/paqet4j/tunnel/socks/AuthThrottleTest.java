package org.paqet4j.tunnel.socks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthThrottle throttle = new AuthThrottle(Duration.ofMillis(250), Duration.ofSeconds(30), 4, now::get);

    private static InetAddress ip(int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    @Test
    void theWaitDoublesPerFailureUpToTheCap() throws Exception {
        InetAddress a = ip(1);
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofMillis(250));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofMillis(500));
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(1));
        for (int i = 0; i < 40; i++) {
            throttle.failed(a);
        }
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofSeconds(30));
        assertThat(throttle.waitFor(a)).isEqualTo(Duration.ofSeconds(30));
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(throttle.waitFor(a)).isZero();
        assertThat(throttle.waitFor(ip(2))).as("other addresses are not slowed").isZero();
    }

    @Test
    void successForgetsTheAddress() throws Exception {
        InetAddress a = ip(1);
        throttle.failed(a);
        throttle.failed(a);
        throttle.succeeded(a);
        assertThat(throttle.size()).isZero();
        assertThat(throttle.failed(a)).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void theTableIsBoundedPruningExpiredEntriesFirstThenTheOldest() throws Exception {
        for (int i = 1; i <= 4; i++) {
            throttle.failed(ip(i));
            now.addAndGet(1_000_000);
        }
        throttle.failed(ip(5));
        assertThat(throttle.size()).isEqualTo(4);
        assertThat(throttle.waitFor(ip(1))).as("the oldest gave way").isZero();
        assertThat(throttle.waitFor(ip(5))).isPositive();
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        throttle.failed(ip(6));
        assertThat(throttle.size()).as("expired entries pruned").isEqualTo(1);
    }
}
