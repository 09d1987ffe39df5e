package org.paqet4j.cli.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The human summary {@code paqet status} prints: a header, then sessions, listeners and limits as tables.
 * Every text in it comes from a network peer's answer, so control characters in it are shown as
 * {@code ?}: they would otherwise reach the terminal as escape sequences.
 */
public final class StatusTable {

    private StatusTable() {}

    public static String format(StatusReport r) {
        StringBuilder out = new StringBuilder();
        StatusReport.Carrier c = r.carrier();
        out.append("paqet ")
                .append(printable(r.role()))
                .append(r.mode().equals("kcptun") ? " (kcptun mode)" : "")
                .append(' ')
                .append(printable(r.version()))
                .append(", up ")
                .append(duration(r.uptimeSeconds()))
                .append('\n');
        out.append("carrier: ")
                .append(printable(c.description()))
                .append(", firewall ")
                .append(printable(c.firewall()))
                .append('\n');
        out.append("sent ")
                .append(bytes(c.bytesSent()))
                .append(" in ")
                .append(c.packetsSent())
                .append(" packets, received ")
                .append(bytes(c.bytesReceived()))
                .append(" in ")
                .append(c.packetsReceived())
                .append(" packets, dropped ")
                .append(c.packetsDropped())
                .append("\n\n");
        List<List<String>> sessions = new ArrayList<>();
        sessions.add(
                List.of("PEER", "CONV", "AGE", "RTT", "CWND", "IN FLIGHT", "SENT", "RECEIVED", "RETRANS", "STREAMS"));
        for (StatusReport.Session s : r.sessions()) {
            sessions.add(List.of(
                    s.peer(),
                    Long.toString(s.conv()),
                    duration(s.ageSeconds()),
                    s.rttMs() + " ms",
                    Integer.toString(s.cwnd()),
                    s.sendWindowUsed() + "/" + s.sendWindow(),
                    bytes(s.bytesSent()),
                    bytes(s.bytesReceived()),
                    Long.toString(s.retransmits()),
                    Integer.toString(s.openStreams())));
        }
        out.append(r.sessions().size()).append(" session(s)\n");
        table(out, sessions);
        if (!r.listeners().isEmpty()) {
            List<List<String>> listeners = new ArrayList<>();
            listeners.add(List.of("LISTENER", "KIND", "OPEN", "TOTAL", "MAX", "REFUSED"));
            for (StatusReport.Listener l : r.listeners()) {
                listeners.add(List.of(
                        l.address(),
                        l.kind(),
                        Integer.toString(l.open()),
                        Long.toString(l.total()),
                        Integer.toString(l.max()),
                        Long.toString(l.refused())));
            }
            out.append('\n');
            table(out, listeners);
        }
        List<List<String>> limits = new ArrayList<>();
        limits.add(List.of("LIMIT", "IN USE", "MAX"));
        for (StatusReport.Limit l : r.limits()) {
            limits.add(List.of(l.name(), Long.toString(l.inUse()), Long.toString(l.max())));
        }
        out.append('\n');
        table(out, limits);
        return out.toString();
    }

    /** Left-aligned first column, the others right-aligned, two spaces between. */
    private static void table(StringBuilder out, List<List<String>> rows) {
        int columns = rows.getFirst().size();
        int[] width = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = printable(row.get(i));
                String pad = " ".repeat(width[i] - cell.length());
                line.append(i == 0 ? cell + pad : pad + cell);
                if (i < columns - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** {@code text} with every control character replaced by {@code ?}. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return out.toString();
    }

    static String bytes(long n) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    static String duration(long seconds) {
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return seconds / 60 + "m";
        }
        if (seconds < 2 * 86400) {
            return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
        }
        return seconds / 86400 + "d" + (seconds % 86400) / 3600 + "h";
    }
}
