package org.paqet4j.reassembly.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Random IPv4 and IPv6 fragments of a few datagrams (random offsets, lengths, flags,
 * identifications, times, nested headers): decoding never throws, the fragment memory stays within
 * the budget after every frame, and a rebuilt segment is never larger than the bytes fed in.
 */
class FragmentReassemblyFuzz {

    private static final long BUDGET = 128 << 10;

    @FuzzTest
    void fragments(FuzzedDataProvider data) {
        FrameDecoder decoder = new FrameDecoder(new FragmentLimits(BUDGET, 1_000_000_000L, 8));
        long fed = 0;
        long nanos = 0;
        long frame = 0;
        while (data.remainingBytes() > 8) {
            boolean v6 = data.consumeBoolean();
            int headerLength = v6 ? 48 : 20;
            byte[] packet = new byte[headerLength + data.consumeInt(0, 1500)];
            byte[] rest = data.consumeBytes(packet.length);
            System.arraycopy(rest, 0, packet, 0, rest.length);
            if (v6) {
                packet[0] = 0x60;
                packet[6] = 44;
                int length = packet.length - 40;
                packet[4] = (byte) (length >>> 8);
                packet[5] = (byte) length;
                packet[40] = data.consumeBoolean() ? (byte) 6 : (byte) 44; // TCP, or a nested fragment header
                packet[44] = 0;
                packet[45] = 0;
                packet[46] = 0;
                packet[47] = (byte) data.consumeInt(0, 3);
            } else {
                packet[0] = 0x45;
                packet[2] = (byte) (packet.length >>> 8);
                packet[3] = (byte) packet.length;
                packet[4] = 0;
                packet[5] = (byte) data.consumeInt(0, 3);
                packet[9] = 6;
            }
            fed += packet.length;
            nanos += data.consumeLong(0, 400_000_000L);
            var segment = decoder.decode(new CapturedFrame(++frame, nanos, LinkType.RAW, packet, packet.length));
            if (segment != null) {
                assertThat((long) segment.payload().length).isLessThanOrEqualTo(fed);
            }
            assertThat(decoder.fragmentMemory()).isBetween(0L, BUDGET);
        }
    }
}
