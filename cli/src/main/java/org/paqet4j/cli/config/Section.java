package org.paqet4j.cli.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.paqet4j.cli.config.yaml.YamlNode;

/**
 * Typed reads from one mapping of the configuration. Every read that fails records a problem
 * (file, line, path, value, what is allowed) and returns the default, so one pass finds all
 * problems. {@link #finish()} reports the keys nobody read.
 */
final class Section {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?\\d{1,18}");

    private final Problems problems;
    private final String path;
    private final String schema;
    private final YamlNode.Mapping node;
    private final int line;
    private final Set<String> read = new HashSet<>();

    /** @param node null when the section is absent from the file (every key takes its default) */
    Section(Problems problems, String path, String schema, YamlNode.Mapping node, int line) {
        this.problems = problems;
        this.path = path;
        this.schema = schema;
        this.node = node;
        this.line = line;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The line of a key if present, else of the section itself. */
    int lineOf(String key) {
        return entry(key).map(YamlNode.Entry::keyLine).orElse(line);
    }

    boolean has(String key) {
        return value(key).isPresent();
    }

    /** The key's value, absent when missing or null. */
    Optional<YamlNode> value(String key) {
        return entry(key).map(YamlNode.Entry::value).filter(v -> !(v instanceof YamlNode.Scalar s && s.isNull()));
    }

    private Optional<YamlNode.Entry> entry(String key) {
        read.add(key);
        return node == null
                ? Optional.empty()
                : Optional.ofNullable(node.entries().get(key));
    }

    void error(String key, String message) {
        problems.error(lineOf(key), pathOf(key), message);
    }

    void warn(String key, String message) {
        problems.warn(lineOf(key), pathOf(key), message);
    }

    /** A scalar as text; YAML numbers and booleans are accepted as their text. */
    Optional<String> string(String key) {
        return value(key).flatMap(v -> {
            if (v instanceof YamlNode.Scalar s) {
                return Optional.of(s.text());
            }
            problems.error(v.line(), pathOf(key), "must be a single value, not " + v.kind());
            return Optional.empty();
        });
    }

    String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** A string parsed by {@code parser}; when it yields nothing, {@code allowed} says what would have been accepted. */
    <T> Optional<T> parsed(String key, Function<String, Optional<T>> parser, String allowed) {
        return string(key).flatMap(text -> {
            Optional<T> value = parser.apply(text);
            if (value.isEmpty()) {
                problems.error(lineOf(key), pathOf(key), Problems.quote(text) + " is not " + allowed);
            }
            return value;
        });
    }

    int integer(String key, int fallback, int min, int max) {
        return integer(key, min, max).orElse(fallback);
    }

    Optional<Integer> integer(String key, int min, int max) {
        return value(key).flatMap(v -> {
            if (v instanceof YamlNode.Scalar s
                    && (s.type() == YamlNode.ScalarType.INTEGER || s.type() == YamlNode.ScalarType.STRING)
                    && DECIMAL.matcher(s.text()).matches()) {
                long n = Long.parseLong(s.text());
                if (n < min || n > max) {
                    problems.error(v.line(), pathOf(key), s.text() + " is out of range (" + min + ".." + max + ")");
                    return Optional.empty();
                }
                return Optional.of((int) n);
            }
            problems.error(v.line(), pathOf(key), shown(v) + " is not an integer (" + min + ".." + max + ")");
            return Optional.empty();
        });
    }

    boolean bool(String key, boolean fallback) {
        return value(key)
                .map(v -> {
                    if (v instanceof YamlNode.Scalar s
                            && (s.text().equalsIgnoreCase("true") || s.text().equalsIgnoreCase("false"))) {
                        return s.text().equalsIgnoreCase("true");
                    }
                    problems.error(v.line(), pathOf(key), shown(v) + " is not a boolean (true or false)");
                    return fallback;
                })
                .orElse(fallback);
    }

    /**
     * A duration: an integer number of seconds (paqet's form) or a Go duration string such as
     * {@code "500ms"} or {@code "1m30s"}.
     */
    Duration duration(String key, Duration fallback, Duration min, Duration max) {
        return value(key)
                .map(v -> {
                    Optional<Duration> d = Optional.empty();
                    if (v instanceof YamlNode.Scalar s) {
                        if (DECIMAL.matcher(s.text()).matches()) {
                            d = s.text().startsWith("-") || s.text().length() > 10
                                    ? Optional.empty()
                                    : Optional.of(Duration.ofSeconds(Long.parseLong(s.text())));
                        } else if (s.type() == YamlNode.ScalarType.STRING) {
                            // YAML 1.1 integers such as 0x10 or 1_000 are neither paqet's seconds nor a Go duration
                            d = GoDuration.parse(s.text());
                        }
                    }
                    if (d.isEmpty()) {
                        problems.error(
                                v.line(),
                                pathOf(key),
                                shown(v)
                                        + " is not a duration (seconds as an integer, or a Go duration such as \"500ms\", \"30s\", \"1m\")");
                        return fallback;
                    }
                    if (d.get().compareTo(min) < 0 || d.get().compareTo(max) > 0) {
                        problems.error(
                                v.line(),
                                pathOf(key),
                                shown(v) + " is out of range (" + GoDuration.format(min) + ".." + GoDuration.format(max)
                                        + ")");
                        return fallback;
                    }
                    return d.get();
                })
                .orElse(fallback);
    }

    /** One of an enum's YAML names. */
    <E extends Enum<E> & YamlEnum> E choice(String key, E[] values, E fallback) {
        return choice(key, values, fallback, YamlEnum::yamlName);
    }

    /** One of the values of an enum from another module, spelled in YAML as {@code name} gives. */
    <E extends Enum<E>> E choice(String key, E[] values, E fallback, Function<E, String> name) {
        return string(key)
                .map(text -> {
                    for (E e : values) {
                        if (name.apply(e).equals(text)) {
                            return e;
                        }
                    }
                    List<String> names = Arrays.stream(values).map(name).toList();
                    String hint = Suggestions.nearest(text, names)
                            .map(n -> " (did you mean " + n + "?)")
                            .orElse("");
                    problems.error(
                            lineOf(key),
                            pathOf(key),
                            Problems.quote(text) + " is not one of " + String.join(", ", names) + hint);
                    return fallback;
                })
                .orElse(fallback);
    }

    /** A nested mapping; absent (or null) gives an empty section so its defaults apply. */
    Section section(String key) {
        String childPath = pathOf(key);
        String childSchema = schema.isEmpty() ? key : schema + "." + key;
        Optional<YamlNode> v = value(key);
        if (v.isPresent() && !(v.get() instanceof YamlNode.Mapping)) {
            problems.error(
                    v.get().line(),
                    childPath,
                    shown(v.get()) + " is not a mapping of keys (" + childPath + ":, then its keys indented below)");
        }
        YamlNode.Mapping mapping = v.filter(YamlNode.Mapping.class::isInstance)
                .map(YamlNode.Mapping.class::cast)
                .orElse(null);
        return new Section(problems, childPath, childSchema, mapping, lineOf(key));
    }

    /** The items of a list of mappings, each as a section ({@code socks5[0]} ...). */
    List<Section> sections(String key) {
        List<Section> sections = new ArrayList<>();
        for (Item item : items(key)) {
            if (item.node() instanceof YamlNode.Mapping m) {
                sections.add(new Section(
                        problems, item.path(), (schema.isEmpty() ? key : schema + "." + key) + "[]", m, m.line()));
            } else {
                problems.error(
                        item.node().line(),
                        item.path(),
                        shown(item.node()) + " is not a mapping of keys (listen: ..., and so on)");
            }
        }
        return sections;
    }

    /** A list item with its path. */
    record Item(String path, YamlNode node) {}

    /** The items of a list; a single scalar is not a list. */
    List<Item> items(String key) {
        Optional<YamlNode> v = value(key);
        if (v.isEmpty()) {
            return List.of();
        }
        if (!(v.get() instanceof YamlNode.Sequence seq)) {
            problems.error(
                    v.get().line(),
                    pathOf(key),
                    shown(v.get()) + " is not a list (write [a, b] or one \"- item\" per line)");
            return List.of();
        }
        return IntStream.range(0, seq.items().size())
                .mapToObj(i -> new Item(pathOf(key) + "[" + i + "]", seq.items().get(i)))
                .toList();
    }

    /** Reports every key of this section that no read asked for. */
    void finish() {
        if (node == null) {
            return;
        }
        List<String> known = ConfigSchema.keysOf(schema);
        for (YamlNode.Entry e : node.entries().values()) {
            if (read.contains(e.key())) {
                continue;
            }
            String hint = Suggestions.nearest(e.key(), known)
                    .map(k -> "; did you mean " + k + "?")
                    .or(() -> ConfigSchema.homesOf(e.key(), schema).map(homes -> "; it belongs in " + homes))
                    .orElse(
                            known.isEmpty()
                                    ? ""
                                    : "; known keys here: " + known.stream().collect(Collectors.joining(", ")));
            problems.error(e.keyLine(), pathOf(e.key()), "unknown key" + hint);
        }
    }

    /** A value as an error message shows it. */
    static String shown(YamlNode v) {
        return v instanceof YamlNode.Scalar s && s.type() != YamlNode.ScalarType.STRING
                ? s.text()
                : v instanceof YamlNode.Scalar s ? Problems.quote(s.text()) : v.kind();
    }
}
