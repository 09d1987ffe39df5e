package org.paqet4j.packet.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(1), now::get);

    @Test
    void firstLinePassesThenOnePerInterval() {
        assertThat(throttle.permit()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.permit()).isFalse();
        }
        now.addAndGet(999_999_999L);
        assertThat(throttle.permit()).isFalse();
        assertThat(throttle.takeSuppressed()).isEqualTo(6);
        assertThat(throttle.takeSuppressed()).isZero();
        now.addAndGet(1);
        assertThat(throttle.permit()).isTrue();
        assertThat(throttle.permit()).isFalse();
    }

    @Test
    void clockNearOverflowStillWorks() {
        AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 10);
        LogThrottle wrapping = new LogThrottle(Duration.ofNanos(100), clock::get);
        assertThat(wrapping.permit()).isTrue();
        clock.addAndGet(50);
        assertThat(wrapping.permit()).isFalse();
        clock.addAndGet(50);
        assertThat(wrapping.permit()).isTrue();
    }

    @Test
    void rejectsNonPositiveInterval() {
        assertThatThrownBy(() -> new LogThrottle(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT0S");
    }
}
