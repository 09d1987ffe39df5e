package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kcp-go feeds payloads that FEC rebuilt to KCP with {@code regular = false}: their window and
 * timestamp may be stale, so they must not set the remote window or give an RTT sample. The codec
 * must therefore tell rebuilt payloads from received ones.
 */
class FecRecoveredInputTest {

    @Test
    void aRebuiltDataShardArrivesAsRecoveredAndReceivedOnesAsRegular() throws Exception {
        byte[] key = KeyDerivation.kcptun("recovered");
        DatagramCodec sender = Codecs.create("aes", key, 3, 2);
        DatagramCodec receiver = Codecs.create("aes", key, 3, 2);
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] payload = new byte[40 + i];
            Arrays.fill(payload, (byte) (i + 1));
            wire.addAll(Collected.encode(sender, payload));
        }
        assertThat(wire).hasSize(5);
        List<Integer> regular = new ArrayList<>();
        List<Integer> recovered = new ArrayList<>();
        DatagramCodec.PayloadInput in = new DatagramCodec.PayloadInput() {
            @Override
            public void accept(byte[] buf, int offset, int length) {
                regular.add(length);
            }

            @Override
            public void acceptRecovered(byte[] buf, int offset, int length) {
                recovered.add(length);
            }
        };
        for (int i = 0; i < wire.size(); i++) {
            if (i != 1) { // the second data shard is lost
                byte[] d = wire.get(i).clone();
                receiver.decode(d, d.length, in);
            }
        }
        assertThat(regular).containsExactly(40, 42);
        assertThat(recovered).containsExactly(41);
        assertThat(receiver.counters().fecRecovered()).isEqualTo(1);
    }
}
