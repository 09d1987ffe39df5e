package org.paqet4j.packet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumProperties {

    /** RFC 1071 the slow way: 16-bit words, fold after every addition. */
    static int reference(byte[] data, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[offset + i] & 0xFF;
            int lo = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    @Property(tries = 500)
    void matchesTheWordByWordDefinitionAtAnyOffsetAndLength(
            @ForAll @Size(max = 3000) byte[] data, @ForAll @IntRange(max = 7) int skip) {
        int offset = Math.min(skip, data.length);
        int length = data.length - offset;
        assertThat(Checksum.of(MemorySegment.ofArray(data), offset, length)).isEqualTo(reference(data, offset, length));
    }

    @Property(tries = 200)
    void aBufferWithItsChecksumInsertedSumsToZero(@ForAll @Size(min = 2, max = 1500) byte[] data) {
        byte[] even = data.length % 2 == 0 ? data : Arrays.copyOf(data, data.length + 1);
        even[0] = 0;
        even[1] = 0;
        int checksum = Checksum.of(MemorySegment.ofArray(even), 0, even.length);
        even[0] = (byte) (checksum >>> 8);
        even[1] = (byte) checksum;
        assertThat(Checksum.of(MemorySegment.ofArray(even), 0, even.length)).isZero();
    }

    @Property(tries = 50)
    void allOnesSumsFoldCorrectly(@ForAll @IntRange(min = 1, max = 70_000) int length) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 0xFF);
        assertThat(Checksum.of(MemorySegment.ofArray(data), 0, length)).isEqualTo(reference(data, 0, length));
    }
}
