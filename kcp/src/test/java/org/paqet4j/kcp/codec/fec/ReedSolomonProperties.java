package org.paqet4j.kcp.codec.fec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReedSolomonProperties {

    @Property(tries = 200)
    void anyParityCountOfErasuresIsRebuilt(
            @ForAll @IntRange(min = 1, max = 20) int dataShards,
            @ForAll @IntRange(min = 1, max = 6) int parityShards,
            @ForAll @IntRange(min = 1, max = 300) int length,
            @ForAll long seed) {
        Random random = new Random(seed);
        ReedSolomon rs = new ReedSolomon(dataShards, parityShards);
        int total = dataShards + parityShards;
        byte[][] shards = new byte[total][length + 3];
        for (int d = 0; d < dataShards; d++) {
            random.nextBytes(shards[d]);
        }
        byte[][] parity = Arrays.copyOfRange(shards, dataShards, total);
        rs.encodeParity(shards, 3, parity, 3, length);
        byte[][] original = new byte[total][];
        for (int i = 0; i < total; i++) {
            original[i] = shards[i].clone();
        }
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            indices.add(i);
        }
        Collections.shuffle(indices, random);
        boolean[] present = new boolean[total];
        Arrays.fill(present, true);
        int erasures = random.nextInt(parityShards + 1);
        for (int e = 0; e < erasures; e++) {
            int i = indices.get(e);
            present[i] = false;
            Arrays.fill(shards[i], 3, 3 + length, (byte) 0x5A);
        }

        assertThat(rs.reconstructData(shards, present, 3, length)).isTrue();

        for (int d = 0; d < dataShards; d++) {
            assertThat(shards[d]).as("data shard %d", d).isEqualTo(original[d]);
        }
    }

    @Test
    void tooManyErasuresAreReportedNotGuessed() {
        ReedSolomon rs = new ReedSolomon(4, 2);
        byte[][] shards = new byte[6][8];
        boolean[] present = {false, false, false, true, true, true};
        assertThat(rs.reconstructData(shards, present, 0, 8)).isFalse();
    }

    @Test
    void codingMatrixIsSystematicWithKlauspostsVandermondeParityRows() {
        ReedSolomon rs = new ReedSolomon(10, 3);
        for (int r = 0; r < 10; r++) {
            for (int c = 0; c < 10; c++) {
                assertThat(rs.coefficient(r, c)).isEqualTo(r == c ? 1 : 0);
            }
        }
        // vandermonde(r, c) = r^c; the parity rows times the top square give the Vandermonde rows back.
        for (int r = 10; r < 13; r++) {
            for (int c = 0; c < 10; c++) {
                int v = 0;
                for (int k = 0; k < 10; k++) {
                    v ^= Galois.mul(rs.coefficient(r, k), Galois.exp(k, c));
                }
                assertThat(v).isEqualTo(Galois.exp(r, c));
            }
        }
    }

    @Test
    void galoisFieldUsesPolynomial0x11d() {
        assertThat(Galois.mul(0x80, 2)).isEqualTo(0x1D);
        assertThat(Galois.exp(2, 8)).isEqualTo(0x1D);
        for (int a = 1; a < 256; a++) {
            assertThat(Galois.mul(a, Galois.div(1, a))).isEqualTo(1);
        }
    }
}
