package org.paqet4j.jmh.kcp;

import java.security.GeneralSecurityException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The alternative the codec does not use: the JDK's own "AES/CFB/NoPadding" (AES-256, fixed IV,
 * reused after every doFinal) over one 1350-byte datagram in place. Compare with
 * {@code CodecBenchmark.encode/decode} for {@code aes}, which build the same CFB from one CBC or
 * ECB call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class JdkCfbBaselineBenchmark {

    private Cipher encryptor;
    private Cipher decryptor;
    private final byte[] buf = new byte[1350];

    @Setup
    public void setUp() throws GeneralSecurityException {
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        new Random(2).nextBytes(buf);
        IvParameterSpec iv = new IvParameterSpec(new byte[16]);
        encryptor = Cipher.getInstance("AES/CFB/NoPadding");
        encryptor.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), iv);
        decryptor = Cipher.getInstance("AES/CFB/NoPadding");
        decryptor.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), iv);
    }

    @Benchmark
    public byte jdkCfbEncrypt() throws GeneralSecurityException {
        encryptor.doFinal(buf, 0, buf.length, buf, 0);
        return buf[0];
    }

    @Benchmark
    public byte jdkCfbDecrypt() throws GeneralSecurityException {
        decryptor.doFinal(buf, 0, buf.length, buf, 0);
        return buf[0];
    }
}
