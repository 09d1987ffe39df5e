package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NonceGeneratorTest {

    @Test
    void noncesDoNotRepeatAcrossChunksAndReseeds() {
        NonceGenerator nonces = new NonceGenerator(new SecureRandom());
        Set<ByteBuffer> seen = new HashSet<>();
        byte[] nonce = new byte[16];
        // past one 2^20 re-key and many 4 KiB refills; keep every 64th to bound memory
        for (int i = 0; i < (1 << 20) + 5000; i++) {
            nonces.next(nonce, 0, 16);
            if ((i & 63) == 0 || i > 1 << 20) {
                assertThat(seen.add(ByteBuffer.wrap(nonce.clone())))
                        .as("nonce %d is new", i)
                        .isTrue();
            }
        }
    }

    @Test
    void twoGeneratorsShareNoState() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        new NonceGenerator(new SecureRandom()).next(a, 0, 16);
        new NonceGenerator(new SecureRandom()).next(b, 0, 16);
        assertThat(a).isNotEqualTo(b);
    }
}
