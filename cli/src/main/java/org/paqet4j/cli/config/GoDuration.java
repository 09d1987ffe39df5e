package org.paqet4j.cli.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Go's {@code time.ParseDuration} syntax ({@code "300ms"}, {@code "1m30s"},
 * {@code "1.5h"}; units ns, us/µs, ms, s, m, h), the form Go programs and their users write.
 * Negative durations are not accepted: no configuration value here can be negative.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    /** A hundred years: far beyond any timeout, far below overflow. */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(100L * 365 * 24 * 3600 * 1_000_000_000L);

    private GoDuration() {}

    static Optional<Duration> parse(String text) {
        if (text.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        if (text.isEmpty() || text.length() > 64) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return Optional.empty();
            }
            nanos = nanos.add(new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1))
                    .multiply(unitNanos(m.group(2))));
            if (nanos.compareTo(MAX_NANOS) > 0) {
                return Optional.empty();
            }
            at = m.end();
        }
        return Optional.of(Duration.ofNanos(nanos.longValue()));
    }

    private static BigDecimal unitNanos(String unit) {
        return BigDecimal.valueOf(
                switch (unit) {
                    case "ns" -> 1L;
                    case "us", "µs", "μs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                });
    }

    /** The shortest exact form with a single unit: "2s", "1500ms", "90m" stays "90m", "1h". */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        record Unit(String name, long nanos) {}
        for (Unit u : new Unit[] {
            new Unit("h", 3_600_000_000_000L),
            new Unit("m", 60_000_000_000L),
            new Unit("s", 1_000_000_000L),
            new Unit("ms", 1_000_000L),
            new Unit("us", 1_000L)
        }) {
            if (nanos % u.nanos() == 0) {
                return nanos / u.nanos() + u.name();
            }
        }
        return nanos + "ns";
    }
}
