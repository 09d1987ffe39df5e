package org.paqet4j.tunnel.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * Structure-aware: datagrams into the packet guard's receive path, most of them sealed with the
 * right key (fuzzed sender, counter, time and payload, sometimes a bit flipped afterwards), the
 * others arbitrary bytes, while the clock moves by fuzzed steps (backwards too). The guard never
 * throws; it hands out only untouched sealed datagrams, never the same bytes twice (a replay), their
 * payload unchanged and only into a buffer it fits; every other datagram is counted as rejected. (A
 * sender's counter may pass again with another time once the guard has forgotten that sender: only
 * the holder of the key can make such a datagram, and a restarted sender takes a new random id.)
 */
class GuardedCarrierFuzz {

    private static final long START_MILLIS = 1_700_000_000_000L;
    private static final byte[] KEY = GuardKey.deriveKey("fuzz");
    private static final InetSocketAddress PEER = new InetSocketAddress("198.18.0.2", 4000);

    /** maxDuration bounds a local fuzzing run (JAZZER_FUZZ=1); CI runs the seeds only. */
    @FuzzTest(maxDuration = "2m")
    void receive(FuzzedDataProvider data) throws IOException {
        AtomicLong clock = new AtomicLong(START_MILLIS);
        GuardKey key = new GuardKey(KEY, Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);
        Wire wire = new Wire();
        Set<String> delivered = new HashSet<>();
        long accepted = 0;
        int steps = data.consumeInt(1, 48);
        try (GuardedCarrier guard =
                data.consumeBoolean() ? GuardedCarrier.listening(wire, key) : new GuardedCarrier(wire, key)) {
            for (int i = 0; i < steps; i++) {
                clock.addAndGet(data.consumeLong(-10_000, 60_000));
                long sender = data.pickValue(
                        new Long[] {1L, 2L, GuardHeader.MAX_48, data.consumeLong(0, GuardHeader.MAX_48)});
                long counter =
                        data.consumeBoolean() ? data.consumeLong(0, 300) : data.consumeLong(0, GuardHeader.MAX_48);
                long time = clock.get() / 1000 + data.consumeLong(-120, 120);
                byte[] payload = data.consumeBytes(data.consumeInt(0, 64));
                boolean sealed = data.consumeInt(0, 7) != 0;
                byte[] datagram = sealed ? seal(key, sender, counter, time, payload) : data.consumeBytes(96);
                boolean tampered = sealed && data.consumeInt(0, 7) == 0;
                if (tampered) {
                    int bit = data.consumeInt(0, datagram.length * 8 - 1);
                    datagram[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                ByteBuffer dst = ByteBuffer.allocate(data.consumeInt(0, 80));
                wire.next.add(datagram);
                InetSocketAddress from;
                try {
                    from = guard.receive(dst);
                } catch (Wire.Empty dropped) {
                    continue;
                }
                accepted++;
                assertThat(sealed && !tampered)
                        .as("only an untouched sealed datagram passes")
                        .isTrue();
                assertThat(from).isEqualTo(PEER);
                assertThat(delivered.add(HexFormat.of().formatHex(datagram)))
                        .as("a replay of sender %d counter %d passed", sender, counter)
                        .isTrue();
                assertThat(Arrays.copyOf(dst.array(), dst.position())).isEqualTo(payload);
            }
            assertThat(guard.rejected() + accepted).isEqualTo(steps);
        }
    }

    /** What a guarded sender puts on the wire, with the header fields chosen by the fuzzer. */
    private static byte[] seal(GuardKey key, long sender, long counter, long time, byte[] payload) {
        byte[] b = new byte[GuardHeader.LENGTH + payload.length];
        System.arraycopy(GuardHeader.MAGIC, 0, b, 0, GuardHeader.MAGIC_LENGTH);
        GuardHeader.write48(b, GuardHeader.SENDER_OFFSET, sender);
        GuardHeader.write48(b, GuardHeader.COUNTER_OFFSET, counter);
        GuardHeader.writeTime(b, time);
        System.arraycopy(payload, 0, b, GuardHeader.LENGTH, payload.length);
        Mac mac = key.newMac();
        mac.update(b, 0, GuardHeader.TAG_OFFSET);
        mac.update(payload);
        System.arraycopy(mac.doFinal(), 0, b, GuardHeader.TAG_OFFSET, GuardHeader.TAG_LENGTH);
        return b;
    }

    /** The carrier under the guard: hands out the datagrams queued, then ends the receive call. */
    private static final class Wire implements PacketCarrier {
        final ArrayDeque<byte[]> next = new ArrayDeque<>();

        /** Ends a receive call that would otherwise wait for the next datagram. */
        static final class Empty extends IOException {
            Empty() {
                super("no datagram queued");
            }
        }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) throws IOException {
            byte[] datagram = next.poll();
            if (datagram == null) {
                throw new Empty();
            }
            dst.put(datagram);
            return PEER;
        }

        @Override
        public void send(ByteBuffer datagram, InetSocketAddress peer) {
            throw new UnsupportedOperationException("the fuzz target only receives");
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("198.18.0.1", 4000);
        }

        @Override
        public CarrierCounters counters() {
            return new CarrierCounters.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        }

        @Override
        public void close() {}
    }
}
