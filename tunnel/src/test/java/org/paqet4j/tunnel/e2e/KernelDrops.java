package org.paqet4j.tunnel.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Datagrams the kernel dropped before the code under test saw them. A flood test subtracts them: how
 * much of a flood the kernel keeps depends on how loaded (or how fast) the machine is; how many of
 * the datagrams that reach the socket are refused by the code under test does not.
 */
final class KernelDrops {

    private KernelDrops() {}

    /**
     * Drops on the way to a datagram's socket: the summed {@code drops} column of every UDP socket in this
     * namespace bound to {@code port} ({@code /proc/net/udp}, {@code /proc/net/udp6}: its receive buffer
     * was full), plus the per-CPU input backlogs that overflowed ({@code /proc/net/softnet_stat}, second
     * column: loopback hands every sent datagram to such a backlog, and a fast sender overruns it before
     * any socket is involved). The backlog counter is host-wide, so other traffic can only make the sum
     * larger, never hide a drop.
     */
    static long towards(int port) {
        return atUdpSocket(port) + inInputBacklogs();
    }

    static long atUdpSocket(int port) {
        String local = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            List<String> lines = read(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 12 && fields[1].endsWith(local)) {
                    drops += Long.parseLong(fields[fields.length - 1]);
                }
            }
        }
        return drops;
    }

    static long inInputBacklogs() {
        long drops = 0;
        for (String line : read("/proc/net/softnet_stat")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 1) {
                drops += Long.parseLong(fields[1], 16);
            }
        }
        return drops;
    }

    private static List<String> read(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }
}
