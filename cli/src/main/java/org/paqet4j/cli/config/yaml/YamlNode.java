package org.paqet4j.cli.config.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line it starts on. The configuration binder reads this tree instead of
 * Jackson's {@code JsonNode} because every problem it reports must name a line.
 */
public sealed interface YamlNode {

    /** 1-based line of the value's first character. */
    int line();

    /** What a reader of an error message calls this kind of value. */
    String kind();

    /** A mapping; keys keep their file order and their own lines. */
    record Mapping(int line, Map<String, Entry> entries) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** One key of a mapping: the key's line (where a reader looks) and its value. */
    record Entry(String key, int keyLine, YamlNode value) {}

    /** A sequence. */
    record Sequence(int line, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar with its source text and the type YAML resolved it to. */
    record Scalar(int line, String text, ScalarType type) implements YamlNode {
        @Override
        public String kind() {
            return switch (type) {
                case STRING -> "a string";
                case INTEGER -> "an integer";
                case FLOAT -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
            };
        }

        public boolean isNull() {
            return type == ScalarType.NULL;
        }
    }

    /** The YAML core-schema types a plain scalar resolves to; quoted scalars are strings. */
    enum ScalarType {
        STRING,
        INTEGER,
        FLOAT,
        BOOLEAN,
        NULL
    }
}
