package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A flipped bit is dropped and counted, never passed up. For the CRC ciphers the bit is flipped at
 * or after byte 16: kcp-go's CRC covers everything after the nonce, and a changed nonce byte alone
 * (none, xor, salsa20's counter-free nonce tail, an 8-byte-block cipher's first block) changes
 * nothing the receiver uses. aes-128-gcm authenticates every byte including the nonce.
 */
class TamperProperties {

    private static final byte[] KEY = KeyDerivation.kcptun("tamper");

    @Provide
    Arbitrary<String> checkedCiphers() {
        return Arbitraries.of(
                Codecs.CIPHERS.stream().filter(c -> !c.equals("null")).toList());
    }

    @Property(tries = 400)
    void aFlippedBitIsDroppedAndCounted(
            @ForAll("checkedCiphers") String crypt,
            @ForAll @Size(min = 24, max = 1400) byte[] payload,
            @ForAll @IntRange(min = 0, max = 1_000_000) int position,
            @ForAll @IntRange(min = 0, max = 7) int bit,
            @ForAll boolean fec)
            throws Exception {
        DatagramCodec sender = Codecs.create(crypt, KEY, fec ? 10 : 0, fec ? 3 : 0);
        DatagramCodec receiver = Codecs.create(crypt, KEY, fec ? 10 : 0, fec ? 3 : 0);
        byte[] datagram = Collected.encode(sender, payload).getFirst();
        boolean aead = crypt.equals("aes-128-gcm");
        int first = aead ? 0 : KcpGoFraming.NONCE_SIZE;
        int index = first + position % (datagram.length - first);
        datagram[index] ^= (byte) (1 << bit);

        List<byte[]> passed = Collected.decode(receiver, datagram);

        assertThat(passed).isEmpty();
        assertThat(aead ? receiver.counters().badTag() : receiver.counters().badChecksum())
                .isEqualTo(1);
    }

    @Property(tries = 100)
    void aTruncatedDatagramIsDroppedAndCounted(
            @ForAll("checkedCiphers") String crypt,
            @ForAll @Size(min = 24, max = 1400) byte[] payload,
            @ForAll @IntRange(min = 1, max = 1500) int cut)
            throws Exception {
        DatagramCodec sender = Codecs.create(crypt, KEY, 0, 0);
        DatagramCodec receiver = Codecs.create(crypt, KEY, 0, 0);
        byte[] datagram = Collected.encode(sender, payload).getFirst();
        int length = Math.max(0, datagram.length - cut);
        byte[] truncated = Arrays.copyOf(datagram, length);

        assertThat(Collected.decode(receiver, truncated)).isEmpty();
        CodecCounters c = receiver.counters();
        assertThat(c.badChecksum() + c.badTag() + c.malformed()).isEqualTo(1);
    }
}
