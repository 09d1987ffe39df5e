package org.paqet4j.cli.demo;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A byte count on the command line: {@code 1048576}, {@code 512K}, {@code 100M}, {@code 1G}, {@code 64MiB} (powers of 1024). */
public record ByteSize(long bytes) {
    public ByteSize {
        if (bytes < 1) {
            throw new IllegalArgumentException("a size must be at least 1 byte, got " + bytes);
        }
    }

    /** The configuration's size syntax ({@link org.paqet4j.cli.config.ByteSize}), at least 1 byte. */
    public static ByteSize parse(String text) {
        long n = org.paqet4j.cli.config.ByteSize.parse(text)
                .orElseThrow(() -> new IllegalArgumentException(
                        "\"" + text + "\" is not a size (e.g. 1048576, 512K, 100M, 1G, 64MiB)"));
        if (n < 1) {
            throw new IllegalArgumentException("\"" + text + "\" is out of range (at least 1 byte)");
        }
        return new ByteSize(n);
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
