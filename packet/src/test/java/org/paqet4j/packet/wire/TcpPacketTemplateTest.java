package org.paqet4j.packet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpPacketTemplateTest {

    static final byte[] MAC_A = HexFormat.of().parseHex("020000000001");
    static final byte[] MAC_B = HexFormat.of().parseHex("020000000002");
    static final int PA = TcpFlags.PSH | TcpFlags.ACK;

    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    static byte[] build(TcpPacketTemplate template, int flags, int counter, int time, byte[] payload) {
        byte[] buf = new byte[template.headerLength(flags) + payload.length];
        MemorySegment s = MemorySegment.ofArray(buf);
        MemorySegment.copy(payload, 0, s, ValueLayout.JAVA_BYTE, template.headerLength(flags), payload.length);
        int length = template.write(s, 0, flags, counter, time, payload.length);
        assertThat(length).isEqualTo(buf.length);
        return buf;
    }

    @Test
    void ipv4HeaderHasPaqetsFixedFields() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(MAC_A, MAC_B, ip("198.18.0.1"), ip("198.18.0.2"), 1000, 2000);
        byte[] frame = build(t, PA, 1, 1000, new byte[] {1, 2, 3});
        ByteBuffer b = ByteBuffer.wrap(frame);
        assertThat(HexFormat.of().formatHex(frame, 0, 14)).isEqualTo("020000000002" + "020000000001" + "0800");
        assertThat(b.get(14)).isEqualTo((byte) 0x45);
        assertThat(b.get(15)).isEqualTo((byte) 0xB8);
        assertThat(b.getShort(16)).isEqualTo((short) (20 + 32 + 3));
        assertThat(b.getShort(18)).as("ID").isZero();
        assertThat(b.getShort(20)).as("DF").isEqualTo((short) 0x4000);
        assertThat(b.get(22)).as("TTL").isEqualTo((byte) 64);
        assertThat(b.get(23)).isEqualTo((byte) 6);
        assertThat(Checksum.of(MemorySegment.ofArray(frame), 14, 20)).isZero();
    }

    @Test
    void ipv6HeaderHasTrafficClass184AndHopLimit64() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("2001:2::1"), ip("2001:2::2"), 1000, 2000);
        byte[] packet = build(t, PA, 1, 1000, new byte[10]);
        ByteBuffer b = ByteBuffer.wrap(packet);
        assertThat(b.getInt(0)).isEqualTo(0x6B80_0000);
        assertThat(b.getShort(4)).isEqualTo((short) (32 + 10));
        assertThat(b.get(6)).isEqualTo((byte) 6);
        assertThat(b.get(7)).isEqualTo((byte) 64);
    }

    @Test
    void nonSynSegmentsFollowPaqetsSequenceAndTimestampFormulas() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1000, 2000);
        int time = 1_000_000;
        int counter = 1234;
        ByteBuffer b = ByteBuffer.wrap(build(t, PA, counter, time, new byte[] {9}));
        int seq = time + (counter << 7);
        assertThat(b.getShort(20)).isEqualTo((short) 1000);
        assertThat(b.getShort(22)).isEqualTo((short) 2000);
        assertThat(b.getInt(24)).isEqualTo(seq);
        assertThat(b.getInt(28)).isEqualTo(seq - (counter & 0x3FF) + 1400);
        assertThat(b.get(32)).as("data offset 8 words").isEqualTo((byte) 0x80);
        assertThat(b.get(33)).isEqualTo((byte) PA);
        assertThat(b.getShort(34)).isEqualTo((short) 0xFFFF);
        assertThat(b.getShort(38)).as("urgent").isZero();
        int tsVal = time + (counter >>> 3);
        assertThat(HexFormat.of().formatHex(b.array(), 40, 44)).isEqualTo("0101080a");
        assertThat(b.getInt(44)).isEqualTo(tsVal);
        assertThat(b.getInt(48)).isEqualTo(tsVal - (counter % 200 + 50));
    }

    @Test
    void synSegmentsCarryHandshakeOptions() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1000, 2000);
        int counter = 13;
        ByteBuffer syn = ByteBuffer.wrap(build(t, TcpFlags.SYN, counter, 500, new byte[] {9}));
        assertThat(syn.getInt(24)).isEqualTo(1 + (counter & 7));
        assertThat(syn.getInt(28)).isZero();
        assertThat(syn.get(32)).as("data offset 10 words").isEqualTo((byte) 0xA0);
        assertThat(HexFormat.of().formatHex(syn.array(), 40, 60))
                .isEqualTo("020405b4" + "0402" + "080a" + "%08x".formatted(500 + (counter >>> 3)) + "00000000" + "01"
                        + "030308");
        ByteBuffer synAck = ByteBuffer.wrap(build(t, TcpFlags.SYN | TcpFlags.ACK, counter, 500, new byte[] {9}));
        assertThat(synAck.getInt(28)).isEqualTo(1 + (counter & 7) + 1);
    }

    @Test
    void unsignedArithmeticWrapsLikeGo() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1, 2);
        int counter = 0xFFFF_FFF0;
        int time = 0xFFFF_FF00;
        ByteBuffer b = ByteBuffer.wrap(build(t, PA, counter, time, new byte[] {9}));
        int tsVal = time + (counter >>> 3);
        assertThat(b.getInt(44)).isEqualTo(tsVal);
        assertThat(b.getInt(48)).isEqualTo(tsVal - (int) (Integer.toUnsignedLong(counter) % 200 + 50));
    }

    @Test
    void nsFlagLandsInTheDataOffsetByte() throws Exception {
        TcpPacketTemplate t = TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("198.18.0.2"), 1, 2);
        ByteBuffer b = ByteBuffer.wrap(build(t, TcpFlags.NS | TcpFlags.FIN, 1, 0, new byte[] {9}));
        assertThat(b.get(32)).isEqualTo((byte) 0x81);
        assertThat(b.get(33)).isEqualTo((byte) 1);
    }

    @Test
    void mixedFamiliesAreRefused() {
        assertThatThrownBy(() -> TcpPacketTemplate.of(null, null, ip("198.18.0.1"), ip("2001:2::1"), 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("families differ");
    }
}
