package org.paqet4j.tunnel.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.paqet4j.packet.wire.TcpFlags;

class StreamHeaderProperties {

    @Property
    void everyHeaderRoundTrips(@ForAll("headers") StreamHeader header) throws IOException {
        byte[] bytes = StreamHeaderWriter.encode(header);
        assertThat(bytes.length).isLessThanOrEqualTo(StreamHeader.PREFIX_LENGTH + StreamHeader.MAX_BODY_LENGTH);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        assertThat(StreamHeaderReader.read(in)).isEqualTo(header);
        assertThat(in.available()).isZero();
    }

    @Property
    void everyTruncationIsAPreciseError(
            @ForAll("headers") StreamHeader header, @ForAll @IntRange(min = 1, max = 300) int cut) {
        byte[] bytes = StreamHeaderWriter.encode(header);
        byte[] truncated = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
        assertThatThrownBy(() -> StreamHeaderReader.read(new ByteArrayInputStream(truncated)))
                .isInstanceOf(StreamHeaderException.class)
                .hasMessageStartingWith("stream ended after");
    }

    @Provide
    Arbitrary<StreamHeader> headers() {
        Arbitrary<String> hosts =
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(253);
        Arbitrary<Target> targets = Combinators.combine(
                        hosts, Arbitraries.integers().between(0, 65535))
                .as(Target::new);
        Arbitrary<short[]> masks = Arbitraries.shorts()
                .between((short) 0, (short) TcpFlags.ALL)
                .array(short[].class)
                .ofMaxSize(StreamHeader.MAX_FLAG_COUNT);
        return Arbitraries.oneOf(
                Arbitraries.just(new StreamHeader.Ping()),
                Arbitraries.just(new StreamHeader.Pong()),
                targets.map(StreamHeader.Tcp::new),
                targets.map(StreamHeader.Udp::new),
                masks.map(StreamHeader.Tcpf::new));
    }
}
