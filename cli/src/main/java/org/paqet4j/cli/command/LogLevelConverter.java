package org.paqet4j.cli.command;

import java.util.Arrays;
import java.util.Iterator;
import org.paqet4j.cli.config.LogLevel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --log-level} takes paqet's level names, exactly as in {@code log.level}. */
final class LogLevelConverter implements ITypeConverter<LogLevel>, Iterable<String> {
    @Override
    public LogLevel convert(String value) {
        return Arrays.stream(LogLevel.values())
                .filter(l -> l.yamlName().equals(value))
                .findFirst()
                .orElseThrow(() -> new TypeConversionException(
                        "'" + value + "' is not a log level (" + String.join(", ", this) + ")"));
    }

    /** The completion candidates picocli shows in the help. */
    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(LogLevel.values()).map(LogLevel::yamlName).iterator();
    }
}
