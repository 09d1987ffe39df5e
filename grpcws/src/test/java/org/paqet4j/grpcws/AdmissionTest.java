package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private final AtomicLong clock = new AtomicLong(1_000);

    private static InetAddress ip(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
    }

    @Test
    void rateWindowsOfAddressesThatWentQuietArePruned() throws Exception {
        Admission admission = new Admission(BridgeLimits.defaults(), clock::get);
        for (int i = 0; i < 5000; i++) {
            assertThat(admission.tryAdmit(ip(i))).isEqualTo(Admission.Verdict.ADMITTED);
            admission.release(ip(i));
        }
        assertThat(admission.trackedAddresses()).isEqualTo(5000);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
        admission.tryAdmit(ip(1));
        assertThat(admission.trackedAddresses())
                .as("only the address just seen (window + open slot)")
                .isEqualTo(2);
        admission.release(ip(1));
        clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
        admission.prune();
        assertThat(admission.trackedAddresses()).isZero();
    }

    @Test
    void capsAndRateAreEnforcedAndSlotsComeBack() throws Exception {
        Admission admission = new Admission(
                BridgeLimits.defaults().withConnectionCaps(3, 2).withUpgradesPerIpPerMinute(4), clock::get);
        assertThat(admission.tryAdmit(ip(1))).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(admission.tryAdmit(ip(1))).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(admission.tryAdmit(ip(1))).isEqualTo(Admission.Verdict.TOO_MANY_FROM_ADDRESS);
        assertThat(admission.tryAdmit(ip(2))).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(admission.tryAdmit(ip(3))).isEqualTo(Admission.Verdict.TOO_MANY_CONNECTIONS);
        admission.release(ip(1));
        assertThat(admission.tryAdmit(ip(1)))
                .as("fourth attempt from ip 1 this minute")
                .isEqualTo(Admission.Verdict.ADMITTED);
        admission.release(ip(1));
        assertThat(admission.tryAdmit(ip(1))).isEqualTo(Admission.Verdict.RATE_LIMITED);
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(admission.tryAdmit(ip(1))).isEqualTo(Admission.Verdict.ADMITTED);
        assertThat(admission.open()).isEqualTo(3);
        assertThatThrownBy(() -> admission.release(ip(9)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("10.0.0.9");
    }
}
