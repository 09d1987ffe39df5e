package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class FrameProperties {

    @Provide
    Arbitrary<Frame> v2Frames() {
        Arbitrary<Integer> ids = Arbitraries.integers();
        Arbitrary<Frame> control = Combinators.combine(Arbitraries.of(Command.SYN, Command.FIN, Command.NOP), ids)
                .as((c, id) -> Frame.control(2, c, id));
        Arbitrary<Frame> push = Combinators.combine(
                        ids, Arbitraries.bytes().array(byte[].class).ofMaxSize(65535))
                .as((id, p) -> new Frame(2, Command.PSH, id, p));
        Arbitrary<Frame> upd = Combinators.combine(
                        ids,
                        Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                        Arbitraries.longs().between(0, 0xFFFF_FFFFL))
                .as(Frame::windowUpdate);
        return Arbitraries.oneOf(control, push, upd);
    }

    @Provide
    Arbitrary<List<Frame>> frameLists() {
        return v2Frames().list().ofMaxSize(20);
    }

    @Property(tries = 200)
    void framesRoundTripThroughWriterAndReader(
            @ForAll("frameLists") List<Frame> frames, @ForAll @IntRange(min = 1, max = 9000) int chunk)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out, 65535);
        for (Frame f : frames) {
            w.write(f);
        }
        // The transport may hand out any number of bytes per read.
        InputStream trickle = new ByteArrayInputStream(out.toByteArray()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        FrameReader r = new FrameReader(trickle, 2);
        for (Frame f : frames) {
            assertThat(r.readFrame()).isEqualTo(f);
        }
        assertThat(r.readFrame()).isNull();
    }
}
