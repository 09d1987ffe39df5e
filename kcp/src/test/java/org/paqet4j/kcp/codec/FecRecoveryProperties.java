package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class FecRecoveryProperties {

    private static final byte[] KEY = KeyDerivation.kcptun("fec");

    @Property(tries = 150)
    void losingUpToParityShardsOfAGroupLosesNoPayload(
            @ForAll @IntRange(min = 1, max = 12) int dataShards,
            @ForAll @IntRange(min = 1, max = 4) int parityShards,
            @ForAll boolean aead,
            @ForAll boolean reorder,
            @ForAll long seed)
            throws Exception {
        Random random = new Random(seed);
        String crypt = aead ? "aes-128-gcm" : "aes";
        DatagramCodec sender = Codecs.create(crypt, KEY, dataShards, parityShards);
        DatagramCodec receiver = Codecs.create(crypt, KEY, dataShards, parityShards);
        List<byte[]> payloads = new ArrayList<>();
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < dataShards; i++) {
            byte[] payload = new byte[24 + random.nextInt(1300)];
            random.nextBytes(payload);
            payloads.add(payload);
            wire.addAll(Collected.encode(sender, payload));
        }
        int total = dataShards + parityShards;
        assertThat(wire).hasSize(total);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int losses = random.nextInt(parityShards + 1);
        Set<Integer> lost = new HashSet<>(order.subList(0, losses));
        if (!reorder) {
            Collections.sort(order);
        }
        Set<String> received = new HashSet<>();
        for (int i : order) {
            if (!lost.contains(i)) {
                for (byte[] p : Collected.decode(receiver, wire.get(i))) {
                    received.add(Arrays.toString(p));
                }
            }
        }
        Set<String> expected = new HashSet<>();
        payloads.forEach(p -> expected.add(Arrays.toString(p)));
        assertThat(received).isEqualTo(expected);
        long lostData = lost.stream().filter(i -> i < dataShards).count();
        if (!reorder) {
            assertThat(receiver.counters().fecRecovered()).isEqualTo(lostData);
        } else {
            // Reordered, a shard may be rebuilt before its late original arrives.
            assertThat(receiver.counters().fecRecovered()).isLessThanOrEqualTo(parityShards);
        }
    }

    @Property(tries = 50)
    void duplicatesAndShardsOfExpiredGroupsAreIgnored(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        DatagramCodec sender = Codecs.create("none", KEY, 4, 2);
        DatagramCodec receiver = Codecs.create("none", KEY, 4, 2);
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < 4 * 8; i++) {
            byte[] payload = new byte[24 + random.nextInt(200)];
            random.nextBytes(payload);
            wire.addAll(Collected.encode(sender, payload));
        }
        // group 0 loses a data shard; its parity arrives only after 7 newer groups: too late.
        for (int i = 6; i < wire.size(); i++) {
            Collected.decode(receiver, wire.get(i));
        }
        Collected.decode(receiver, wire.get(1));
        Collected.decode(receiver, wire.get(2));
        Collected.decode(receiver, wire.get(3));
        assertThat(Collected.decode(receiver, wire.get(4))).isEmpty();
        assertThat(Collected.decode(receiver, wire.get(5))).isEmpty();
        assertThat(receiver.counters().fecRecovered()).isZero();
        // A duplicated parity shard of a complete group recovers nothing twice.
        assertThat(Collected.decode(receiver, wire.get(wire.size() - 1))).isEmpty();
        assertThat(receiver.counters().malformed()).isZero();
    }

    @Property(tries = 200)
    void arbitraryFecPacketsAreHandledWithinBounds(
            @ForAll @IntRange(min = 1, max = 12) int dataShards,
            @ForAll @IntRange(min = 1, max = 4) int parityShards,
            @ForAll boolean nearbySeqids,
            @ForAll long seed) {
        Random random = new Random(seed);
        DatagramCodec receiver = Codecs.create("null", new byte[0], dataShards, parityShards);
        for (int i = 0; i < 200; i++) {
            byte[] packet = new byte[8 + random.nextInt(1493)];
            random.nextBytes(packet);
            long seqid = nearbySeqids ? random.nextInt(60) : random.nextInt() & 0xFFFFFFFFL;
            for (int b = 0; b < 4; b++) {
                packet[b] = (byte) (seqid >>> (8 * b));
            }
            packet[4] = (byte) (random.nextBoolean() ? 0xF1 : 0xF2);
            packet[5] = 0;
            receiver.decode(packet, packet.length, (buf, offset, length) -> {
                assertThat(offset).isNotNegative();
                assertThat(length).isNotNegative();
                assertThat(offset + length).isLessThanOrEqualTo(buf.length);
            });
        }
        assertThat(receiver.counters().malformed()).isZero();
    }
}
