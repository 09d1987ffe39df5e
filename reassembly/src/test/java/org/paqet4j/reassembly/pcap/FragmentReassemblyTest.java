package org.paqet4j.reassembly.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.TcpSegment;

/** IPv4 and IPv6 fragments through {@link FrameDecoder}: reassembly, overlap rules, timeout and memory bounds. */
class FragmentReassemblyTest {

    private static final long SECOND = 1_000_000_000L;

    private final Random random = new Random(5);
    private long frame;

    @Test
    void ipv4FragmentsInAnyOrderGiveTheSegment() throws Exception {
        byte[] data = bytes(1000);
        byte[] ip = Frames.ip(
                endpoint("10.0.0.1", 40_000), endpoint("10.0.0.2", 80), 1000, 1, TcpSegment.ACK, 65_535, data);
        List<byte[]> parts = Frames.ipv4Fragments(ip, 7, 0, 400, 808);
        FrameDecoder decoder = new FrameDecoder();
        assertThat(decode(decoder, parts.get(2), 0)).isNull();
        assertThat(decode(decoder, parts.get(0), 0)).isNull();
        TcpSegment segment = decode(decoder, parts.get(1), 0);
        assertThat(segment).isNotNull();
        assertThat(segment.payload()).isEqualTo(data);
        assertThat(segment.seq()).isEqualTo(1000);
        assertThat(decoder.fragments()).isEqualTo(3);
        assertThat(decoder.reassembledDatagrams()).isEqualTo(1);
        assertThat(decoder.fragmentMemory()).isZero();
    }

    @Test
    void ipv6FragmentsGiveTheSegment() throws Exception {
        byte[] data = bytes(3000);
        byte[] ip = Frames.ip(
                endpoint("2001:db8::1", 40_000), endpoint("2001:db8::2", 80), 5, 1, TcpSegment.ACK, 65_535, data);
        List<byte[]> parts = Frames.ipv6Fragments(ip, 0x1234_5678, 0, 1232, 2464);
        FrameDecoder decoder = new FrameDecoder();
        assertThat(decode(decoder, parts.get(1), 0)).isNull();
        assertThat(decode(decoder, parts.get(2), 0)).isNull();
        TcpSegment segment = decode(decoder, parts.get(0), 0);
        assertThat(segment.payload()).isEqualTo(data);
        assertThat(segment.source().toString()).isEqualTo("[2001:db8::1]:40000");
    }

    @Test
    void aDuplicateInsideReceivedDataIsIgnored() throws Exception {
        byte[] data = bytes(1000);
        byte[] ip =
                Frames.ip(endpoint("10.0.0.1", 40_000), endpoint("10.0.0.2", 80), 1, 1, TcpSegment.ACK, 65_535, data);
        List<byte[]> parts = Frames.ipv4Fragments(ip, 9, 0, 400, 808);
        List<byte[]> inner = Frames.ipv4Fragments(ip, 9, 0, 200, 400, 808); // [200, 400) lies inside [0, 400)
        FrameDecoder decoder = new FrameDecoder();
        assertThat(decode(decoder, parts.get(0), 0)).isNull();
        assertThat(decode(decoder, inner.get(1), 0)).isNull();
        assertThat(decode(decoder, parts.get(1), 0)).isNull();
        assertThat(decode(decoder, parts.get(2), 0).payload()).isEqualTo(data);
        assertThat(decoder.droppedDatagrams()).isZero();
    }

    @Test
    void overlappingFragmentsDiscardTheDatagram() throws Exception {
        byte[] data = bytes(1000);
        byte[] ip =
                Frames.ip(endpoint("10.0.0.1", 40_000), endpoint("10.0.0.2", 80), 1, 1, TcpSegment.ACK, 65_535, data);
        List<byte[]> parts = Frames.ipv4Fragments(ip, 11, 0, 400, 808);
        List<byte[]> shifted =
                Frames.ipv4Fragments(ip, 11, 0, 392, 808); // [392, 808) overlaps [0, 400) and goes past it
        FrameDecoder decoder = new FrameDecoder();
        assertThat(decode(decoder, parts.get(0), 0)).isNull();
        assertThat(decode(decoder, shifted.get(1), 0)).isNull();
        assertThat(decoder.droppedDatagrams()).isEqualTo(1);
        // what is left of the datagram does not complete: its first part went with it
        assertThat(decode(decoder, parts.get(1), 0)).isNull();
        assertThat(decode(decoder, parts.get(2), 0)).isNull();
        assertThat(decoder.reassembledDatagrams()).isZero();

        byte[] v6 = Frames.ip(
                endpoint("2001:db8::1", 40_000), endpoint("2001:db8::2", 80), 1, 1, TcpSegment.ACK, 65_535, data);
        List<byte[]> a = Frames.ipv6Fragments(v6, 3, 0, 504);
        List<byte[]> b = Frames.ipv6Fragments(v6, 3, 0, 496);
        FrameDecoder six = new FrameDecoder();
        assertThat(decode(six, a.get(0), 0)).isNull();
        assertThat(decode(six, b.get(1), 0)).isNull();
        assertThat(decode(six, a.get(1), 0)).isNull();
        assertThat(six.droppedDatagrams()).isEqualTo(1);
        assertThat(six.reassembledDatagrams()).isZero();
    }

    @Test
    void anIncompleteDatagramTimesOut() throws Exception {
        byte[] ip = Frames.ip(
                endpoint("10.0.0.1", 40_000), endpoint("10.0.0.2", 80), 1, 1, TcpSegment.ACK, 65_535, bytes(600));
        List<byte[]> parts = Frames.ipv4Fragments(ip, 13, 0, 304);
        FrameDecoder decoder = new FrameDecoder(new FragmentLimits(1 << 20, 30 * SECOND, 16));
        assertThat(decode(decoder, parts.get(0), 0)).isNull();
        assertThat(decode(decoder, parts.get(1), 31 * SECOND)).isNull();
        assertThat(decoder.droppedDatagrams()).isEqualTo(1);
        assertThat(decoder.reassembledDatagrams()).isZero();
    }

    @Test
    void memoryAndFragmentCountStayBounded() throws Exception {
        long budget = 256 << 10;
        FrameDecoder decoder = new FrameDecoder(new FragmentLimits(budget, 30 * SECOND, 16));
        byte[] ip = Frames.ip(
                endpoint("10.0.0.1", 40_000), endpoint("10.0.0.2", 80), 1, 1, TcpSegment.ACK, 65_535, bytes(1400));
        for (int id = 0; id < 5000; id++) {
            // first halves only: nothing ever completes
            assertThat(decode(decoder, Frames.ipv4Fragments(ip, id, 0, 704).get(0), 0))
                    .isNull();
            assertThat(decoder.fragmentMemory()).isLessThanOrEqualTo(budget);
        }
        assertThat(decoder.droppedDatagrams()).isGreaterThan(4000);

        // 8-byte fragments beyond the per-datagram limit end the datagram
        int[] cuts = new int[40];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i * 8;
        }
        List<byte[]> tiny = Frames.ipv4Fragments(ip, 60_000, cuts);
        FrameDecoder limited = new FrameDecoder(new FragmentLimits(budget, 30 * SECOND, 16));
        for (byte[] part : tiny) {
            assertThat(decode(limited, part, 0)).isNull();
        }
        assertThat(limited.droppedDatagrams()).isGreaterThanOrEqualTo(1);
        assertThat(limited.reassembledDatagrams()).isZero();
    }

    private TcpSegment decode(FrameDecoder decoder, byte[] ip, long nanos) {
        return decoder.decode(new CapturedFrame(++frame, nanos, LinkType.RAW, ip, ip.length));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static Endpoint endpoint(String ip, int port) throws Exception {
        return new Endpoint(InetAddress.getByName(ip), port);
    }
}
