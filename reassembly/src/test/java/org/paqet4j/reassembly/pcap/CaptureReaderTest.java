package org.paqet4j.reassembly.pcap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.reassembly.Endpoint;
import org.paqet4j.reassembly.TcpSegment;

class CaptureReaderTest {

    private static final Endpoint V4_A = endpoint("192.0.2.1", 1234);
    private static final Endpoint V4_B = endpoint("192.0.2.2", 80);
    private static final Endpoint V6_A = endpoint("2001:db8::1", 5555);
    private static final Endpoint V6_B = endpoint("2001:db8::2", 443);

    private static Endpoint endpoint(String ip, int port) {
        try {
            return new Endpoint(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private record Link(int type, UnaryOperator<byte[]> wrap) {}

    private static final List<Link> LINKS = List.of(
            new Link(LinkType.RAW, ip -> ip),
            new Link(LinkType.ETHERNET, Frames::ethernet),
            new Link(LinkType.ETHERNET, ip -> Frames.ethernet(ip, 100, 200)),
            new Link(LinkType.LINUX_SLL, Frames::linuxSll),
            new Link(LinkType.LINUX_SLL2, Frames::linuxSll2),
            new Link(LinkType.NULL, Frames::nullLoopback));

    @ParameterizedTest
    @EnumSource(CaptureWriter.Format.class)
    void everyFormatAndLinkTypeGivesTheSameSegments(CaptureWriter.Format format) throws IOException {
        for (Link link : LINKS) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            long[] times = {1_700_000_000_123_456_789L, 1_700_000_001_000_000_001L};
            try (CaptureWriter w = new CaptureWriter(file, format, link.type())) {
                w.write(
                        link.wrap()
                                .apply(Frames.ip(
                                        V4_A,
                                        V4_B,
                                        0xFFFF_FFFF,
                                        7,
                                        TcpSegment.ACK | TcpSegment.PSH,
                                        512,
                                        "v4".getBytes())),
                        times[0]);
                w.write(
                        link.wrap().apply(Frames.ip(V6_B, V6_A, 42, 43, TcpSegment.SYN, 1000, "v6 data".getBytes())),
                        times[1]);
            }
            List<TcpSegment> segments = new ArrayList<>();
            List<CapturedFrame> frames = new ArrayList<>();
            FrameDecoder decoder = new FrameDecoder();
            try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file.toByteArray()))) {
                CapturedFrame frame;
                while ((frame = reader.next()) != null) {
                    frames.add(frame);
                    segments.add(decoder.decode(frame));
                }
            }
            String what = format + " link " + link.type();
            assertThat(segments).as(what).hasSize(2).doesNotContainNull();
            TcpSegment v4 = segments.get(0);
            assertThat(v4.source()).as(what).isEqualTo(V4_A);
            assertThat(v4.destination()).isEqualTo(V4_B);
            assertThat(v4.seq()).isEqualTo(0xFFFF_FFFF);
            assertThat(v4.ack()).isEqualTo(7);
            assertThat(v4.window()).isEqualTo(512);
            assertThat(new String(v4.payload())).isEqualTo("v4");
            assertThat(v4.frameNumber()).isEqualTo(1);
            TcpSegment v6 = segments.get(1);
            assertThat(v6.source()).isEqualTo(V6_B);
            assertThat(v6.has(TcpSegment.SYN)).isTrue();
            assertThat(new String(v6.payload())).isEqualTo("v6 data");
            long[] expected = switch (format) {
                case PCAP_MICROS_LE, PCAPNG_MICROS_LE ->
                    new long[] {1_700_000_000_123_456_000L, 1_700_000_001_000_000_000L};
                case PCAP_NANOS_BE, PCAPNG_NANOS_BE -> times;
                case PCAPNG_SIMPLE_LE -> new long[] {0, 0};
            };
            assertThat(frames.stream().mapToLong(CapturedFrame::timestampNanos).toArray())
                    .as(what)
                    .containsExactly(expected);
        }
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] ip = Frames.ip(V4_A, V4_B, 1, 1, TcpSegment.ACK, 100, "x".getBytes());
        byte[] padded = Arrays.copyOf(Frames.ethernet(ip), 64);
        TcpSegment s = new FrameDecoder().decode(new CapturedFrame(1, 0, LinkType.ETHERNET, padded, 64));
        assertThat(new String(s.payload())).isEqualTo("x");
    }

    @Test
    void ipv6ExtensionHeadersAreWalkedAndAtomicFragmentsDecoded() {
        byte[] plain = Frames.ip(V6_A, V6_B, 9, 9, TcpSegment.ACK, 100, "ext".getBytes());
        ByteBuffer b = ByteBuffer.allocate(plain.length + 16);
        b.put(plain, 0, 40);
        b.putShort(4, (short) (plain.length - 40 + 16));
        b.put(6, (byte) 0); // hop-by-hop first
        b.put((byte) 60).put((byte) 0).put(new byte[6]); // hop-by-hop → destination options
        b.put((byte) 6).put((byte) 0).put(new byte[6]); // destination options → TCP
        b.put(plain, 40, plain.length - 40);
        FrameDecoder decoder = new FrameDecoder();
        TcpSegment s = decoder.decode(new CapturedFrame(1, 0, LinkType.RAW, b.array(), b.capacity()));
        assertThat(new String(s.payload())).isEqualTo("ext");

        // the hop-by-hop header read as a fragment header: offset 0, no more fragments (an atomic
        // fragment, a whole datagram on its own), followed by the destination options
        byte[] fragment = b.array().clone();
        fragment[6] = 44;
        TcpSegment atomic = decoder.decode(new CapturedFrame(2, 0, LinkType.RAW, fragment, fragment.length));
        assertThat(new String(atomic.payload())).isEqualTo("ext");
        assertThat(decoder.fragments()).isEqualTo(1);
        assertThat(decoder.reassembledDatagrams()).isEqualTo(1);
    }

    @Test
    void anIpv4MappedIpv6AddressStaysIpv6() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 10;
        mapped[15] = 1;
        Endpoint v6 = new Endpoint(Inet6Address.getByAddress(null, mapped, -1), 1);
        byte[] ip = Frames.ip(v6, V6_B, 1, 1, TcpSegment.ACK, 100, "m".getBytes());
        TcpSegment s = new FrameDecoder().decode(new CapturedFrame(1, 0, LinkType.RAW, ip, ip.length));
        assertThat(s.source().address()).isInstanceOf(Inet6Address.class);
        assertThat(s.source()).isNotEqualTo(endpoint("10.0.0.1", 1));
    }

    @Test
    void truncatedAndCorruptFilesFailWithTheOffset() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (CaptureWriter w = new CaptureWriter(file, CaptureWriter.Format.PCAPNG_MICROS_LE, LinkType.RAW)) {
            w.write(Frames.ip(V4_A, V4_B, 1, 1, TcpSegment.ACK, 100, "x".getBytes()), 0);
        }
        byte[] whole = file.toByteArray();
        // section header 28 + interface block 24, then the packet block
        byte[] badLength = whole.clone();
        ByteBuffer.wrap(badLength).order(ByteOrder.LITTLE_ENDIAN).putInt(52 + 4, 13);
        assertThatThrownBy(() -> readAll(badLength))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("at byte 56: block total length 13 (must be a multiple of 4 between 12 and 16777216)");
        byte[] badTrailer = whole.clone();
        badTrailer[whole.length - 4] ^= 4;
        assertThatThrownBy(() -> readAll(badTrailer))
                .hasMessageStartingWith("at byte " + (whole.length - 4) + ": trailing block length");
        assertThatThrownBy(() -> readAll(Arrays.copyOf(whole, whole.length - 3)))
                .hasMessageContaining("file ends inside a block of type 6");
        assertThatThrownBy(() -> readAll(new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA1, 2, 0}))
                .hasMessageContaining("file ends inside the pcap file header");
    }

    @Test
    void binaryTimestampResolutionIsConverted() throws IOException {
        ByteBuffer f = ByteBuffer.allocate(28 + 28 + 36).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(0x0A0D0D0A)
                .putInt(28)
                .putInt(0x1A2B3C4D)
                .putShort((short) 1)
                .putShort((short) 0)
                .putLong(-1)
                .putInt(28);
        f.putInt(1)
                .putInt(28)
                .putShort((short) 101)
                .putShort((short) 0)
                .putInt(0)
                .putShort((short) 9)
                .putShort((short) 1)
                .put((byte) 0x8A)
                .put(new byte[3])
                .putInt(28);
        long units = 3L * 1024 + 512; // 3.5 s at 2^-10 s per unit
        f.putInt(6)
                .putInt(36)
                .putInt(0)
                .putInt((int) (units >>> 32))
                .putInt((int) units)
                .putInt(1)
                .putInt(1)
                .put((byte) 0x45)
                .put(new byte[3])
                .putInt(36);
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(f.array()))) {
            assertThat(reader.next().timestampNanos()).isEqualTo(3_500_000_000L);
        }
    }

    private static void readAll(byte[] bytes) throws IOException {
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(bytes))) {
            while (reader.next() != null) {
                // read to the end or the error
            }
        }
    }
}
