package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the network does (loss, duplication, reordering, delay) and whatever the tuning, both
 * directions deliver exactly the bytes written, in order, on the virtual clock.
 */
class KcpDeliveryProperties {

    @Property(tries = 40)
    void bothDirectionsDeliverExactlyWhatWasWritten(
            @ForAll @IntRange(min = 0, max = 30) int lossPercent,
            @ForAll @IntRange(min = 0, max = 10) int duplicatePercent,
            @ForAll @IntRange(min = 1, max = 150) int oneWayDelayMs,
            @ForAll @IntRange(min = 0, max = 40) int jitterMs,
            @ForAll @IntRange(min = 0, max = 4) int modeIndex,
            @ForAll @IntRange(min = 4, max = 512) int window,
            @ForAll boolean congestionControl,
            @ForAll @IntRange(min = 1, max = 200_000) int bytesAtoB,
            @ForAll @IntRange(min = 1, max = 100_000) int bytesBtoA,
            @ForAll long seed) {
        KcpMode mode = KcpMode.values()[modeIndex];
        KcpConfig config = KcpConfig.builder()
                .tuning(mode.tuning())
                .windows(window, window)
                .writeDelay(false)
                .deadLinkRetransmits(1000)
                .noCongestion(!congestionControl)
                .build();
        SimulatedLink link = new SimulatedLink(config, seed);
        link.loss = lossPercent / 100.0;
        link.duplicate = duplicatePercent / 100.0;
        link.oneWayDelayMs = oneWayDelayMs;
        link.jitterMs = jitterMs;
        Random random = new Random(seed);
        byte[] up = new byte[bytesAtoB];
        byte[] down = new byte[bytesBtoA];
        random.nextBytes(up);
        random.nextBytes(down);
        byte[] gotUp = new byte[up.length];
        byte[] gotDown = new byte[down.length];
        int wroteUp = 0;
        int wroteDown = 0;
        int readUp = 0;
        int readDown = 0;
        long deadline = 3_600_000;
        while ((readUp < up.length || readDown < down.length) && link.now < deadline) {
            int chunk = 1 + random.nextInt(20_000);
            wroteUp += link.a.write(up, wroteUp, Math.min(chunk, up.length - wroteUp));
            wroteDown += link.b.write(down, wroteDown, Math.min(chunk, down.length - wroteDown));
            readUp += Math.max(0, link.b.read(gotUp, readUp, gotUp.length - readUp));
            readDown += Math.max(0, link.a.read(gotDown, readDown, gotDown.length - readDown));
            link.step(deadline);
        }
        assertThat(readUp).as("bytes a -> b").isEqualTo(up.length);
        assertThat(readDown).as("bytes b -> a").isEqualTo(down.length);
        assertThat(Arrays.equals(gotUp, up)).as("a -> b content").isTrue();
        assertThat(Arrays.equals(gotDown, down)).as("b -> a content").isTrue();
        assertThat(link.a.kcp.isDead() || link.b.kcp.isDead()).isFalse();
    }
}
