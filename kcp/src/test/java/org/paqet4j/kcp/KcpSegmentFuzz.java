package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes fed to the segment decoder of a KCP endpoint that has data in flight, an open
 * receive window and pending output: nothing may throw; malformed input is only counted.
 */
class KcpSegmentFuzz {

    @FuzzTest(maxDuration = "60s")
    void input(byte[] data) {
        // Take the conv from the input so the fuzzer reaches past the conv check.
        int conv = data.length >= 4 ? Bytes.int32(data, 0) : 0;
        KcpConfig config = KcpConfig.builder()
                .windows(64, 64)
                .streamMode(data.length % 2 == 0)
                .build();
        int[] outputs = {0};
        Kcp kcp = new Kcp(conv, config, 200, new byte[200], 0, (buf, off, len) -> {
            assertThat(len).isBetween(1, 200);
            outputs[0]++;
        });
        byte[] payload = new byte[1000];
        kcp.send(payload, 0, payload.length);
        kcp.flush(0, false);

        long droppedBefore = kcp.droppedInputs;
        int result = kcp.input(data, 0, data.length, 10, true, data.length % 3 == 0);
        assertThat(result).isBetween(Kcp.INPUT_BAD_CMD, Kcp.INPUT_OK);
        if (result != Kcp.INPUT_OK) {
            assertThat(kcp.droppedInputs).isEqualTo(droppedBefore + 1);
        }
        // A second copy (duplicates), FEC-style input, then the rest of the machine keeps working.
        kcp.flushPending(10);
        kcp.input(data, 0, data.length, 20, false, false);
        kcp.flushPending(20);
        byte[] buf = new byte[4096];
        if (config.streamMode()) {
            kcp.read(buf, 0, buf.length);
        } else {
            kcp.recv(buf, 0, buf.length);
        }
        kcp.flush(5_000, false);
        assertThat(kcp.waitSnd()).isBetween(0, 1000);
        assertThat(kcp.receiveQueueSize()).isBetween(0, 64);
        assertThat(kcp.receiveBufferSize()).isBetween(0, 64);
    }
}
