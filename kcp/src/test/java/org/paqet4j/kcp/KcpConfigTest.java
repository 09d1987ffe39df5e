package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KcpConfigTest {

    @Test
    void everyPresetHasTheValuesOfKcptunAndPaqet() {
        // nodelay, interval, resend, nc as in kcptun and paqet; write delay off everywhere; ACK-no-delay as in paqet.
        assertThat(KcpMode.NORMAL.tuning()).isEqualTo(new KcpTuning(0, 40, 2, true, false, false));
        assertThat(KcpMode.FAST.tuning()).isEqualTo(new KcpTuning(0, 30, 2, true, false, false));
        assertThat(KcpMode.FAST2.tuning()).isEqualTo(new KcpTuning(1, 20, 2, true, false, true));
        assertThat(KcpMode.FAST3.tuning()).isEqualTo(new KcpTuning(1, 10, 2, true, false, true));
        // paqet's manual mode with no knob set: Go zero values, the interval raised to KCP's 10 ms minimum.
        assertThat(KcpMode.MANUAL.tuning()).isEqualTo(new KcpTuning(0, 10, 0, false, false, false));
        assertThat(KcpMode.values())
                .extracting(KcpMode::configName)
                .containsExactly("normal", "fast", "fast2", "fast3", "manual");
    }

    @Test
    void ofTakesTheModesKnobsAndTheDefaultsForTheRest() {
        for (KcpMode mode : KcpMode.values()) {
            KcpConfig c = KcpConfig.of(mode);
            assertThat(c.tuning()).isEqualTo(mode.tuning());
            assertThat(c.mtu()).isEqualTo(KcpConfig.DEFAULT_MTU);
            assertThat(c.sndwnd()).isEqualTo(KcpConfig.DEFAULT_WINDOW);
            assertThat(c.rcvwnd()).isEqualTo(KcpConfig.DEFAULT_WINDOW);
            assertThat(c.streamMode()).isTrue();
            assertThat(c.deadLinkRetransmits()).isEqualTo(KcpConfig.DEFAULT_DEAD_LINK);
        }
        assertThat(KcpConfig.defaults()).isEqualTo(KcpConfig.of(KcpMode.FAST));
        assertThat(KcpConfig.builder().build()).isEqualTo(KcpConfig.defaults());
    }

    @Test
    void builderSetsEachFieldAndToBuilderKeepsThemAll() {
        KcpConfig c = KcpConfig.builder()
                .nodelay(1)
                .intervalMs(15)
                .resend(3)
                .noCongestion(false)
                .writeDelay(true)
                .ackNoDelay(true)
                .mtu(1200)
                .windows(128, 512)
                .streamMode(false)
                .deadLinkRetransmits(7)
                .build();
        assertThat(c.tuning()).isEqualTo(new KcpTuning(1, 15, 3, false, true, true));
        assertThat(c.mtu()).isEqualTo(1200);
        assertThat(c.sndwnd()).isEqualTo(128);
        assertThat(c.rcvwnd()).isEqualTo(512);
        assertThat(c.streamMode()).isFalse();
        assertThat(c.deadLinkRetransmits()).isEqualTo(7);
        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.withWindows(64, 32))
                .isEqualTo(c.toBuilder().windows(64, 32).build());
        assertThat(c.withMtu(1000).mtu()).isEqualTo(1000);
        assertThat(c.withDeadLinkRetransmits(9).deadLinkRetransmits()).isEqualTo(9);
    }

    static Iterable<Arguments> outOfRange() {
        return List.of(
                bad("nodelay", -1, "[0, 1]", b -> b.nodelay(-1)),
                bad("nodelay", 2, "[0, 1]", b -> b.nodelay(2)),
                bad("intervalMs", 9, "[10, 5000]", b -> b.intervalMs(9)),
                bad("intervalMs", 5001, "[10, 5000]", b -> b.intervalMs(5001)),
                bad("resend", -1, "[0, 255]", b -> b.resend(-1)),
                bad("resend", 256, "[0, 255]", b -> b.resend(256)),
                bad("mtu", 63, "[64, 1500]", b -> b.mtu(63)),
                bad("mtu", 1501, "[64, 1500]", b -> b.mtu(1501)),
                bad("sndwnd", 0, "[1, 65535]", b -> b.windows(0, 10)),
                bad("rcvwnd", 65536, "[1, 65535]", b -> b.windows(10, 65536)),
                bad("deadLinkRetransmits", 0, "[1, 1000]", b -> b.deadLinkRetransmits(0)),
                bad("deadLinkRetransmits", 1001, "[1, 1000]", b -> b.deadLinkRetransmits(1001)));
    }

    private static Arguments bad(String field, int value, String range, UnaryOperator<KcpConfig.Builder> set) {
        return Arguments.of(field, value, range, set);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("outOfRange")
    void buildRejectsAValueOutOfRangeNamingFieldAndValue(
            String field, int value, String range, UnaryOperator<KcpConfig.Builder> set) {
        assertThatThrownBy(() -> set.apply(KcpConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KCP " + field + " must be in " + range + ", got " + value);
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        KcpConfig low = KcpConfig.builder()
                .nodelay(0)
                .intervalMs(10)
                .resend(0)
                .mtu(64)
                .windows(1, 1)
                .deadLinkRetransmits(1)
                .build();
        KcpConfig high = KcpConfig.builder()
                .nodelay(1)
                .intervalMs(5000)
                .resend(255)
                .mtu(1500)
                .windows(65535, 65535)
                .deadLinkRetransmits(1000)
                .build();
        assertThat(low.intervalMs()).isEqualTo(10);
        assertThat(high.rcvwnd()).isEqualTo(65535);
    }
}
