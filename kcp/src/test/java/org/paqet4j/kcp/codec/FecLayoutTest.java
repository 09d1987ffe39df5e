package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The FEC bytes on the wire, read with the plaintext {@code null} cipher. */
class FecLayoutTest {

    @Test
    void dataShardsThenParityWithSeqidTypeAndSize() throws Exception {
        DatagramCodec codec = Codecs.create("null", new byte[0], 3, 2);
        assertThat(codec.headerRoom()).isEqualTo(8);
        List<byte[]> wire = new ArrayList<>();
        int[] sizes = {30, 100, 50, 40};
        for (int i = 0; i < sizes.length; i++) {
            byte[] payload = new byte[sizes[i]];
            Arrays.fill(payload, (byte) (i + 1));
            wire.addAll(Collected.encode(codec, payload));
        }
        assertThat(wire).hasSize(6);
        for (int i = 0; i < 3; i++) {
            byte[] d = wire.get(i);
            assertThat(Arrays.copyOf(d, 8))
                    .isEqualTo(new byte[] {(byte) i, 0, 0, 0, (byte) 0xF1, 0, (byte) (sizes[i] + 2), 0});
            assertThat(d).hasSize(8 + sizes[i]);
        }
        for (int p = 0; p < 2; p++) {
            byte[] parity = wire.get(3 + p);
            assertThat(Arrays.copyOf(parity, 6)).isEqualTo(new byte[] {(byte) (3 + p), 0, 0, 0, (byte) 0xF2, 0});
            // padded to the longest shard: size field + 100 bytes
            assertThat(parity).hasSize(6 + 102);
        }
        assertThat(Arrays.copyOf(wire.get(5), 6)).isEqualTo(new byte[] {5, 0, 0, 0, (byte) 0xF1, 0});
    }

    @Test
    void cryptHeaderComesBeforeTheFecHeader() throws Exception {
        DatagramCodec codec = Codecs.create("none", new byte[32], 10, 3);
        assertThat(codec.headerRoom()).isEqualTo(20 + 8);
        byte[] datagram = Collected.encode(codec, new byte[40]).getFirst();
        assertThat(Arrays.copyOfRange(datagram, 20, 28)).isEqualTo(new byte[] {0, 0, 0, 0, (byte) 0xF1, 0, 42, 0});
    }

    @Test
    void aCodecWithoutFecStillTakesDataShardsAndIgnoresParity() throws Exception {
        DatagramCodec sender = Codecs.create("aes", new byte[32], 2, 1);
        DatagramCodec receiver = Codecs.create("aes", new byte[32], 0, 0);
        byte[] a = new byte[30];
        byte[] b = new byte[40];
        Arrays.fill(b, (byte) 7);
        List<byte[]> wire = new ArrayList<>(Collected.encode(sender, a));
        wire.addAll(Collected.encode(sender, b));
        assertThat(wire).hasSize(3);
        List<byte[]> received = new ArrayList<>();
        for (byte[] datagram : wire) {
            received.addAll(Collected.decode(receiver, datagram));
        }
        assertThat(received).containsExactly(a, b);
        assertThat(receiver.counters().malformed()).isZero();
    }

    @Test
    void plainKcpIsAcceptedByACodecWithFec() throws Exception {
        DatagramCodec sender = Codecs.create("aes", new byte[32], 0, 0);
        DatagramCodec receiver = Codecs.create("aes", new byte[32], 10, 3);
        byte[] segment = new byte[24];
        segment[4] = 81;
        assertThat(Collected.decode(receiver, Collected.encode(sender, segment).getFirst()))
                .containsExactly(segment);
    }
}
