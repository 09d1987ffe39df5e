package org.paqet4j.cli.config.yaml;

/** The text is not YAML the reader accepts; {@link #line()} is 1-based, 0 when unknown. */
public final class YamlSyntaxException extends Exception {
    private final int line;

    public YamlSyntaxException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
