package org.paqet4j.tunnel.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Datagrams the kernel dropped for a bound UDP socket because its receive buffer was full, read
 * from the {@code drops} column of {@code /proc/net/udp} and {@code /proc/net/udp6}. A flood test
 * subtracts them: how many of its datagrams the kernel keeps depends on how loaded the machine is,
 * how many reach the socket and are refused by the code under test does not.
 */
final class UdpSocketDrops {

    private UdpSocketDrops() {}

    /** The summed drop counters of every UDP socket in this namespace bound to {@code port}. */
    static long of(int port) {
        String local = String.format(Locale.ROOT, ":%04X", port);
        long drops = 0;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + table, e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 12 && fields[1].endsWith(local)) {
                    drops += Long.parseLong(fields[fields.length - 1]);
                }
            }
        }
        return drops;
    }
}
