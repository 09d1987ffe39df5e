package org.paqet4j.packet.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.packet.wire.TcpPacket;

/**
 * Text for captured tunnel packets: one summary line per packet and a hex dump of the payload in
 * the layout of {@code hexdump -C} (and Go's {@code hex.Dump}, which paqet's dump command uses).
 */
public final class PacketDumpFormatter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final DateTimeFormatter time;

    /** Times are shown in {@code zone}, to the microsecond. */
    public PacketDumpFormatter(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(zone);
    }

    /**
     * E.g. {@code 12:00:01.000123 198.18.0.1:9999 → 198.18.0.2:40000 [PA] seq 1000 ack 2400 len 40}
     * (IPv6 addresses in brackets; seq and ack unsigned).
     */
    public String line(Instant when, TcpPacket packet) {
        return time.format(when) + " " + AddressText.of(packet.sourceAddress(), packet.sourcePort()) + " → "
                + AddressText.of(packet.destinationAddress(), packet.destinationPort()) + " ["
                + TcpFlags.toLetters(packet.flags()) + "] seq " + Integer.toUnsignedString(packet.sequence())
                + " ack " + Integer.toUnsignedString(packet.acknowledgement()) + " len " + packet.payloadLength();
    }

    /** The payload of {@code packet} as a hex dump. */
    public static String payloadDump(TcpPacket packet, MemorySegment segment) {
        return hexDump(
                segment.asSlice(packet.payloadOffset(), packet.payloadLength()).toArray(ValueLayout.JAVA_BYTE));
    }

    /**
     * Sixteen bytes per line: an 8-digit hex offset, two groups of eight hex bytes, and the
     * printable ASCII between bars; every line ends with a newline. Empty input gives "".
     */
    public static String hexDump(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length / 16 + 1) * 79);
        for (int line = 0; line < data.length; line += 16) {
            for (int shift = 28; shift >= 0; shift -= 4) {
                sb.append(HEX[(line >>> shift) & 0xF]);
            }
            sb.append("  ");
            int end = Math.min(line + 16, data.length);
            for (int i = line; i < line + 16; i++) {
                if (i < end) {
                    sb.append(HEX[(data[i] >>> 4) & 0xF])
                            .append(HEX[data[i] & 0xF])
                            .append(' ');
                } else {
                    sb.append("   ");
                }
                if (i == line + 7) {
                    sb.append(' ');
                }
            }
            sb.append(" |");
            for (int i = line; i < end; i++) {
                char c = (char) (data[i] & 0xFF);
                sb.append(c >= 0x20 && c <= 0x7E ? c : '.');
            }
            sb.append("|\n");
        }
        return sb.toString();
    }
}
