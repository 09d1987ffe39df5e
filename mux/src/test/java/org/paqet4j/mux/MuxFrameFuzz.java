package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Fuzz targets for the smux decoder and the session's dispatch. Input byte 0 picks the version (odd: 1, even: 2);
 * the rest is what the peer sent. Only {@link MuxProtocolException} and {@link EOFException} may come out.
 */
class MuxFrameFuzz {

    private static int version(byte[] data) {
        return (data[0] & 1) == 1 ? 1 : 2;
    }

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) throws IOException {
        if (data.length == 0) {
            return;
        }
        int version = version(data);
        FrameReader r = new FrameReader(new ByteArrayInputStream(data, 1, data.length - 1), version);
        int at = 1;
        try {
            for (Frame f; (f = r.readFrame()) != null; ) {
                // Every decoded frame re-encodes to exactly the bytes it came from.
                byte[] wire = FrameWriter.encode(f);
                assertThat(Arrays.copyOfRange(data, at, at + wire.length)).isEqualTo(wire);
                assertThat(f.version()).isEqualTo(version);
                at += wire.length;
            }
            assertThat(at).isEqualTo(data.length);
        } catch (MuxProtocolException | EOFException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void session(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        MuxConfig cfg = MuxConfig.paqetDefaults()
                .withVersion(version(data))
                .withKeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(60));
        InputStream in = new ByteArrayInputStream(data, 1, data.length - 1);
        MuxTransport t = new MuxTransport(in, OutputStream.nullOutputStream(), () -> {});
        CountDownLatch closed = new CountDownLatch(1);
        try (MuxSession s = MuxSession.server(t, cfg)) {
            s.onClose(closed::countDown);
            assertThat(closed.await(10, TimeUnit.SECONDS))
                    .as("session never noticed the end of its input")
                    .isTrue();
            assertThat(s.closeCause()).isInstanceOfAny(MuxProtocolException.class, EOFException.class);
            assertThat(s.streamCount()).isZero();
        }
    }
}
