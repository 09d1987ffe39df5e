package org.paqet4j.packet.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MemoryBudgetTest {

    @Test
    void tryAcquireStopsAtTheLimitAndAcquireDoesNot() {
        MemoryBudget b = MemoryBudget.of(100);
        assertThat(b.tryAcquire(60)).isTrue();
        assertThat(b.tryAcquire(41)).isFalse();
        assertThat(b.used()).isEqualTo(60);
        assertThat(b.tryAcquire(40)).isTrue();
        assertThat(b.exhausted()).isTrue();
        assertThat(b.free()).isZero();
        b.acquire(10); // already held bytes are counted, never refused
        assertThat(b.used()).isEqualTo(110);
        assertThat(b.free()).isZero();
        assertThat(b.peak()).isEqualTo(110);
        b.release(110);
        assertThat(b.used()).isZero();
        assertThat(b.peak()).isEqualTo(110);
    }

    @Test
    void releasingMoreThanWasAcquiredIsAnAccountingBug() {
        MemoryBudget b = MemoryBudget.of(100);
        b.acquire(5);
        assertThatThrownBy(() -> b.release(6))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released 6 bytes more than was acquired");
    }

    @Test
    void limitMustBePositive() {
        assertThatThrownBy(() -> MemoryBudget.of(0)).hasMessageContaining("must be positive, got 0");
        assertThat(MemoryBudget.unlimited().isUnlimited()).isTrue();
        assertThat(MemoryBudget.of(1).isUnlimited()).isFalse();
    }

    @Test
    void concurrentAcquireAndReleaseBalanceAndNeverPassTheLimit() throws Exception {
        MemoryBudget b = MemoryBudget.of(10_000);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    int n = 1 + (i % 700);
                    if (b.tryAcquire(n)) {
                        b.release(n);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(b.used()).isZero();
        assertThat(b.peak()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void awaitReleaseWakesWhenAnotherThreadReleases() throws Exception {
        MemoryBudget b = MemoryBudget.of(100);
        b.acquire(100);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean got = new AtomicBoolean();
        Thread waiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            // Loops on its own condition, as callers do; the long park only ends through a release.
            while (!b.tryAcquire(50)) {
                b.awaitRelease(() -> b.free() >= 50, TimeUnit.MINUTES.toNanos(10));
            }
            got.set(true);
        });
        waiting.await();
        b.release(60);
        waiter.join();
        assertThat(got).isTrue();
        assertThat(b.used()).isEqualTo(90);
    }
}
