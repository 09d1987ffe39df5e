package org.paqet4j.cli.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the errors and warnings of one file while it is read; nothing stops at the first. */
final class Problems {
    private final String file;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void error(int line, String path, String message) {
        errors.add(new ConfigProblem(file, line, path, message));
    }

    void warn(int line, String path, String message) {
        warnings.add(new ConfigProblem(file, line, path, message));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** In file order, so the report reads top to bottom. */
    List<ConfigProblem> errors() {
        return sorted(errors);
    }

    List<ConfigProblem> warnings() {
        return sorted(warnings);
    }

    private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
        return problems.stream()
                .sorted(Comparator.comparingInt(ConfigProblem::line))
                .toList();
    }

    /** A value as an error message shows it: quoted, escaped, and cut short when long. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(value.length(), 48);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(shown < value.length() ? "...\"" : "\"").toString();
    }
}
