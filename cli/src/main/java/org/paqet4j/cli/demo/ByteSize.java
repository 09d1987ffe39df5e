package org.paqet4j.cli.demo;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A byte count written as {@code 1048576}, {@code 512K}, {@code 100M} or {@code 1G} (powers of 1024). */
public record ByteSize(long bytes) {
    public ByteSize {
        if (bytes < 1) {
            throw new IllegalArgumentException("a size must be at least 1 byte, got " + bytes);
        }
    }

    public static ByteSize parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> shift = 0;
            }
        }
        String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (e.g. 1048576, 512K, 100M, 1G)");
        }
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("\"" + text + "\" is out of range (1 byte .. 8 EiB)");
        }
        return new ByteSize(n << shift);
    }

    /** {@code 50.0 MiB}, {@code 512.0 KiB}, {@code 900 B}. */
    public static String format(double bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes / 1024;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Override
    public String toString() {
        return format(bytes);
    }

    /** picocli converter with a message that shows the accepted forms. */
    public static final class Converter implements ITypeConverter<ByteSize> {
        @Override
        public ByteSize convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
