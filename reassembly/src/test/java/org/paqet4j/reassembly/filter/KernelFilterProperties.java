package org.paqet4j.reassembly.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.paqet4j.reassembly.TcpSegment;
import org.paqet4j.reassembly.pcap.CapturedFrame;
import org.paqet4j.reassembly.pcap.FrameDecoder;
import org.paqet4j.reassembly.pcap.LinkType;

/**
 * {@link KernelFilter} against the filter it is compiled from, through {@link ClassicBpf}: on
 * every packet the filter accepts the program accepts too, and on plain packets (no fragment, no
 * IPv6 extension header) the two give the same answer. Packets are decoded by the real
 * {@link FrameDecoder}, as the live capture decodes them.
 */
class KernelFilterProperties {

    private static final List<String> ADDRESSES =
            List.of("10.0.0.1", "10.0.0.2", "192.0.2.77", "fd00::1", "fd00::2", "::ffff:10.0.0.1", "2001:db8::9");
    private static final List<Integer> PORTS = List.of(80, 443, 1234, 65535);

    record Packet(boolean ipv6, String source, String destination, int sourcePort, int destinationPort, int shape) {
        /** shape 0: plain; 1: IPv4 options / IPv6 hop-by-hop header first; 2: IPv4 fragment (more fragments). */
        boolean plain() {
            return shape == 0 || (!ipv6 && shape == 1);
        }

        byte[] bytes() {
            byte[] src = address(source);
            byte[] dst = address(destination);
            byte[] tcp = ByteBuffer.allocate(20 + 3)
                    .putShort((short) sourcePort)
                    .putShort((short) destinationPort)
                    .putInt(1000)
                    .putInt(2000)
                    .put((byte) 0x50)
                    .put((byte) (TcpSegment.ACK | TcpSegment.PSH))
                    .putShort((short) 65535)
                    .putInt(0)
                    .put(new byte[] {1, 2, 3})
                    .array();
            if (!ipv6) {
                int options = shape == 1 ? 8 : 0;
                ByteBuffer b = ByteBuffer.allocate(20 + options + tcp.length);
                b.put((byte) (0x45 + options / 4))
                        .put((byte) 0)
                        .putShort((short) (20 + options + tcp.length))
                        .putShort((short) 7)
                        .putShort((short) (shape == 2 ? 0x2000 : 0x4000)) // MF, else DF
                        .put((byte) 64)
                        .put((byte) 6)
                        .putShort((short) 0)
                        .put(src)
                        .put(dst);
                for (int i = 0; i < options; i++) {
                    b.put((byte) 1); // NOP options
                }
                return b.put(tcp).array();
            }
            boolean hopByHop = shape != 0;
            ByteBuffer b = ByteBuffer.allocate(40 + (hopByHop ? 8 : 0) + tcp.length);
            b.putInt(0x6000_0000)
                    .putShort((short) ((hopByHop ? 8 : 0) + tcp.length))
                    .put((byte) (hopByHop ? 0 : 6))
                    .put((byte) 64)
                    .put(src)
                    .put(dst);
            if (hopByHop) {
                b.put((byte) 6).put((byte) 0).put(new byte[] {1, 4, 0, 0, 0, 0}); // PadN
            }
            return b.put(tcp).array();
        }

        private byte[] address(String text) {
            byte[] a = InetAddress.ofLiteral(text).getAddress();
            if (ipv6 && a.length == 4) {
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(a, 0, mapped, 12, 4);
                return mapped;
            }
            if (!ipv6 && a.length == 16) {
                return new byte[] {a[12], a[13], a[14], a[15]};
            }
            return a;
        }
    }

    @Provide
    Arbitrary<Packet> packets() {
        Arbitrary<String> addresses = Arbitraries.of(ADDRESSES);
        Arbitrary<Integer> ports = Arbitraries.of(PORTS);
        return Combinators.combine(
                        Arbitraries.of(true, false),
                        addresses,
                        addresses,
                        ports,
                        ports,
                        Arbitraries.integers().between(0, 2))
                .as(Packet::new);
    }

    @Provide
    Arbitrary<String> expressions() {
        return expression(3);
    }

    private Arbitrary<String> expression(int depth) {
        Arbitrary<String> side = Arbitraries.of("", "src ", "dst ");
        Arbitrary<String> primitive = Arbitraries.oneOf(
                Arbitraries.just("tcp"),
                Combinators.combine(side, Arbitraries.of(ADDRESSES)).as((s, a) -> s + "host " + a),
                Combinators.combine(side, Arbitraries.of(PORTS)).as((s, p) -> s + "port " + p));
        if (depth == 0) {
            return primitive;
        }
        Arbitrary<String> sub = Arbitraries.lazy(() -> expression(depth - 1));
        return Arbitraries.oneOf(
                primitive,
                sub.map(e -> "not (" + e + ")"),
                Combinators.combine(sub, sub).as((l, r) -> "(" + l + ") and (" + r + ")"),
                Combinators.combine(sub, sub).as((l, r) -> "(" + l + ") or (" + r + ")"));
    }

    @Property(tries = 2000)
    void theProgramLetsThroughWhatTheFilterAcceptsAndOnPlainPacketsOnlyThat(
            @ForAll("expressions") String expression, @ForAll("packets") Packet packet) {
        CaptureFilter filter = CaptureFilter.parse(expression);
        long[] program = KernelFilter.compile(filter).orElseThrow();
        byte[] bytes = packet.bytes();
        TcpSegment segment = new FrameDecoder().decode(new CapturedFrame(1, 0, LinkType.RAW, bytes, bytes.length));
        boolean accepted = segment != null && filter.test(segment);
        boolean passed = ClassicBpf.run(program, bytes, packet.ipv6() ? 0x86DD : 0x0800) != 0;
        if (accepted) {
            assertThat(passed).as("%s on %s", expression, packet).isTrue();
        }
        if (packet.plain()) {
            assertThat(segment).as("%s decodes", packet).isNotNull();
            assertThat(passed).as("%s on %s", expression, packet).isEqualTo(accepted);
        }
    }

    @Test
    void otherProtocolsAndNonTcpAreRefused() {
        long[] program = KernelFilter.compile(CaptureFilter.ALL).orElseThrow();
        byte[] udp = new Packet(false, "10.0.0.1", "10.0.0.2", 1, 2, 0).bytes();
        udp[9] = 17;
        assertThat(ClassicBpf.run(program, udp, 0x0800)).isZero();
        assertThat(ClassicBpf.run(program, new Packet(false, "10.0.0.1", "10.0.0.2", 1, 2, 0).bytes(), 0x0806))
                .isZero();
    }

    @Test
    void anExpressionTooLargeForClassicBpfIsLeftToTheFilter() {
        StringBuilder e = new StringBuilder("host 10.0.0.1");
        for (int i = 0; i < 150; i++) {
            e.append(" or host fd00::").append(Integer.toHexString(i + 1));
        }
        assertThat(KernelFilter.compile(CaptureFilter.parse(e.toString()))).isEmpty();
        assertThat(KernelFilter.compile(CaptureFilter.parse("host 10.0.0.1 or port 80")))
                .isPresent();
    }
}
