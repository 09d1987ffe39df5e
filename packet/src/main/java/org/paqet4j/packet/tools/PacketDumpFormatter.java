package org.paqet4j.packet.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
        return time.format(when) + " " + endpoint(packet.sourceAddress(), packet.sourcePort()) + " → "
                + endpoint(packet.destinationAddress(), packet.destinationPort()) + " ["
                + TcpFlags.toLetters(packet.flags()) + "] seq " + Integer.toUnsignedString(packet.sequence())
                + " ack " + Integer.toUnsignedString(packet.acknowledgement()) + " len " + packet.payloadLength();
    }

    private static String endpoint(InetAddress address, int port) {
        return address instanceof Inet6Address ? "[" + compressed(address.getAddress()) + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    /** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    static String compressed(byte[] ipv6) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((ipv6[2 * i] & 0xFF) << 8) | (ipv6[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** The payload of {@code packet} as a hex dump. */
    public static String payloadDump(TcpPacket packet, MemorySegment segment) {
        return hexDump(segment.asSlice(packet.payloadOffset(), packet.payloadLength()).toArray(ValueLayout.JAVA_BYTE));
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
                    sb.append(HEX[(data[i] >>> 4) & 0xF]).append(HEX[data[i] & 0xF]).append(' ');
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
