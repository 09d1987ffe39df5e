package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class SeqProperties {

    @Property(tries = 5000)
    void unwrapInvertsAtWithinHalfTheSpace(
            @ForAll int origin, @ForAll @LongRange(min = 0, max = 1L << 40) long reference, @ForAll int delta) {
        long offset = reference + delta;
        assertThat(Seq.unwrap(origin, reference, Seq.at(origin, offset))).isEqualTo(offset);
    }

    @Property(tries = 2000)
    void offsetsAroundTheWrapStayOrdered(
            @ForAll @IntRange(min = 0, max = 64) int before, @ForAll @IntRange(min = 0, max = 64) int after) {
        // origin just below 2^32: offsets keep increasing where sequence numbers restart at 0
        int origin = 0xFFFF_FFF0;
        long reference = 16;
        assertThat(Seq.unwrap(origin, reference, before - 16 + 0)).isEqualTo(before + 0L);
        assertThat(Seq.unwrap(origin, reference, Seq.at(origin, 16L + after))).isEqualTo(16L + after);
        assertThat(Seq.before(Seq.at(origin, 15), Seq.at(origin, 16))).isTrue();
        assertThat(Seq.before(Seq.at(origin, 16), Seq.at(origin, 15))).isFalse();
    }

    @Property(tries = 2000)
    void beforeIsTheSignOfTheDifference(
            @ForAll int a, @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int distance) {
        assertThat(Seq.before(a, a + distance)).isTrue();
        assertThat(Seq.before(a + distance, a)).isFalse();
        assertThat(Seq.diff(a + distance, a)).isEqualTo(distance);
    }
}
