package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class CodecRoundTripProperties {

    private static final byte[] KEY = KeyDerivation.kcptun("round trip");

    @Provide
    Arbitrary<String> ciphers() {
        return Arbitraries.of(Codecs.CIPHERS);
    }

    /**
     * KCP output: bytes 4-5 are a segment's cmd (81-84) and frg. Like kcp-go, the decoder reads
     * 0xF1/0xF2/0xF3 there as FEC data/parity/OOB, so arbitrary bytes are not KCP output.
     */
    @Provide
    Arbitrary<byte[]> kcpPayloads() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMinSize(24)
                .ofMaxSize(1400)
                .map(payload -> {
                    payload[4] = (byte) (81 + Math.floorMod(payload[4], 4));
                    return payload;
                });
    }

    @Property(tries = 300)
    void everyCipherRoundTripsWithoutFec(@ForAll("ciphers") String crypt, @ForAll("kcpPayloads") byte[] payload)
            throws Exception {
        DatagramCodec sender = Codecs.create(crypt, KEY, 0, 0);
        DatagramCodec receiver = Codecs.create(crypt, KEY, 0, 0);
        List<byte[]> wire = Collected.encode(sender, payload);
        assertThat(wire).hasSize(1);
        assertThat(wire.getFirst()).hasSize(sender.headerRoom() + payload.length + sender.trailerRoom());
        assertThat(Collected.decode(receiver, wire.getFirst())).containsExactly(payload);
        assertThat(receiver.counters().badChecksum()
                        + receiver.counters().badTag()
                        + receiver.counters().malformed())
                .isZero();
    }

    @Property(tries = 60)
    void everyCipherRoundTripsWithFec(
            @ForAll("ciphers") String crypt,
            @ForAll @IntRange(min = 1, max = 12) int dataShards,
            @ForAll @IntRange(min = 1, max = 4) int parityShards,
            @ForAll @Size(min = 1, max = 30) List<@From("kcpPayloads") byte[]> payloads)
            throws Exception {
        DatagramCodec sender = Codecs.create(crypt, KEY, dataShards, parityShards);
        DatagramCodec receiver = Codecs.create(crypt, KEY, dataShards, parityShards);
        List<byte[]> received = new ArrayList<>();
        int datagrams = 0;
        for (byte[] payload : payloads) {
            for (byte[] datagram : Collected.encode(sender, payload)) {
                datagrams++;
                received.addAll(Collected.decode(receiver, datagram));
            }
        }
        assertThat(received).containsExactlyElementsOf(payloads);
        int groups = payloads.size() / dataShards;
        assertThat(datagrams).isEqualTo(payloads.size() + groups * parityShards);
        assertThat(receiver.counters().fecRecovered()).isZero();
    }
}
