package org.paqet4j.cli.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes as written in the config and on the command line ({@code --memory}, {@code --size},
 * ...): a plain integer, or a number with B, K or KiB, M or MiB, G or GiB ({@code 64MiB}, {@code 64M}),
 * powers of 1024. {@code MB} and the like are refused: they could as well mean powers of 1000.
 */
public final class ByteSize {
    private static final Pattern FORM = Pattern.compile("([0-9]{1,12})\\s*(B|K|KiB|M|MiB|G|GiB)?");

    private ByteSize() {}

    /** The bytes {@code text} names; empty when it is not such a size or does not fit a long. */
    public static Optional<Long> parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "K", "KiB" -> 10;
            case "M", "MiB" -> 20;
            case "G", "GiB" -> 30;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            return Optional.empty();
        }
        return Optional.of(n << shift);
    }

    /** The shortest exact text for {@code bytes}: {@code 64MiB}, {@code 1536KiB}, {@code 1000}. */
    static String format(long bytes) {
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
