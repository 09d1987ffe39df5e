package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Heap held by idle streams: the budget is 16 KiB per stream, both ends of it together. */
@Timeout(60)
class IdleStreamFootprintTest {
    private static final int STREAMS = 4000;

    @Test
    void anIdleStreamCostsFarLessThan16KiB() throws Exception {
        MuxConfig cfg = MuxConfig.paqetDefaults().withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));
        try (SessionPair p = SessionPair.open(cfg, 1024 * 1024)) {
            List<MuxStream> held = new ArrayList<>(2 * STREAMS);
            // Warm up every code path once so class loading is not counted.
            MuxStream w = p.client().openStream();
            p.server().acceptStream(Duration.ofSeconds(5)).close();
            w.close();
            long before = ThreadCensus.usedHeapAfterGc();
            for (int i = 0; i < STREAMS; i++) {
                MuxStream c = p.client().openStream();
                // Faces are created lazily; an idle relay has asked for them, so count them.
                c.inputStream();
                c.outputStream();
                MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
                s.inputStream();
                s.outputStream();
                held.add(c);
                held.add(s);
            }
            long after = ThreadCensus.usedHeapAfterGc();
            long perStream = (after - before) / STREAMS;
            System.out.printf(
                    "idle stream footprint: %d bytes per stream (client and server end together, %d streams)%n",
                    perStream, STREAMS);
            assertThat(perStream).isLessThan(16 * 1024);
            assertThat(held).hasSize(2 * STREAMS);
            assertThat(p.client().streamCount()).isEqualTo(STREAMS + 0);
        }
    }
}
