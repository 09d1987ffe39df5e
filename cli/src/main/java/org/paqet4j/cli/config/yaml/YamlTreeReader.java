package org.paqet4j.cli.config.yaml;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a {@link YamlNode} tree that remembers the line of every key and value.
 *
 * <p>Jackson's streaming YAML parser does the YAML; this class only builds the tree, bounds its
 * depth (a configuration is a few levels deep; a hostile file must not exhaust the stack) and
 * notes duplicate keys, which Go's YAML library rejects and a human almost never means.
 */
public final class YamlTreeReader {
    /** Deeper than any paqet configuration by a wide margin. */
    static final int MAX_DEPTH = 32;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final List<YamlDocument.DuplicateKey> duplicates = new ArrayList<>();

    private YamlTreeReader() {}

    /** Parses one YAML document. */
    public static YamlDocument read(String text) throws YamlSyntaxException {
        return new YamlTreeReader().readDocument(text);
    }

    private YamlDocument readDocument(String text) throws YamlSyntaxException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new YamlDocument(null, List.of());
            }
            YamlNode root = readValue(parser, "", 0);
            JsonToken extra = parser.nextToken();
            if (extra != null) {
                throw new YamlSyntaxException(
                        line(parser.currentTokenLocation()),
                        "a second YAML document starts here; a configuration file holds exactly one");
            }
            return new YamlDocument(root, duplicates);
        } catch (JacksonException e) {
            // SnakeYAML's problem mark is where the error is; Jackson's location can be a line earlier
            int line = e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null
                    ? marked.getProblemMark().getLine() + 1
                    : line(e.getLocation());
            throw new YamlSyntaxException(line, describe(e));
        } catch (IOException e) {
            throw new YamlSyntaxException(0, "cannot read YAML: " + e.getMessage());
        } catch (RuntimeException e) {
            // SnakeYAML reports some malformed input (bad escapes, odd encodings) as unchecked
            // exceptions that Jackson does not wrap; they are still syntax errors of this file.
            throw new YamlSyntaxException(0, "not valid YAML: " + firstLine(String.valueOf(e.getMessage())));
        }
    }

    private YamlNode readValue(JsonParser parser, String path, int depth) throws IOException, YamlSyntaxException {
        int line = line(parser.currentTokenLocation());
        if (depth > MAX_DEPTH) {
            throw new YamlSyntaxException(line, "nested more than " + MAX_DEPTH + " levels deep");
        }
        JsonToken token = parser.currentToken();
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name, a silent wrong value; refuse it
            throw new YamlSyntaxException(
                    line,
                    "YAML aliases (*" + parser.getText()
                            + ") are not supported in a configuration file; write the value out");
        }
        return switch (token) {
            case START_OBJECT -> readMapping(parser, path, depth, line);
            case START_ARRAY -> readSequence(parser, path, depth, line);
            case VALUE_STRING, VALUE_EMBEDDED_OBJECT ->
                new YamlNode.Scalar(line, parser.getText(), YamlNode.ScalarType.STRING);
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(line, parser.getText(), YamlNode.ScalarType.INTEGER);
            case VALUE_NUMBER_FLOAT -> new YamlNode.Scalar(line, parser.getText(), YamlNode.ScalarType.FLOAT);
            // the text as written: YAML 1.1 resolves "on" and "yes" to booleans; a string key may be "on"
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(line, parser.getText(), YamlNode.ScalarType.BOOLEAN);
            case VALUE_NULL -> new YamlNode.Scalar(line, "", YamlNode.ScalarType.NULL);
            default -> throw new YamlSyntaxException(line, "unexpected YAML token " + token);
        };
    }

    private YamlNode readMapping(JsonParser parser, String path, int depth, int line)
            throws IOException, YamlSyntaxException {
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
            if (t == null) {
                throw new YamlSyntaxException(line, "the mapping starting here is not closed");
            }
            if (t != JsonToken.FIELD_NAME) {
                throw new YamlSyntaxException(line(parser.currentTokenLocation()), "expected a key, found " + t);
            }
            String key = parser.currentName();
            int keyLine = line(parser.currentTokenLocation());
            String childPath = path.isEmpty() ? key : path + "." + key;
            parser.nextToken();
            YamlNode value = readValue(parser, childPath, depth + 1);
            YamlNode.Entry previous = entries.put(key, new YamlNode.Entry(key, keyLine, value));
            if (previous != null) {
                duplicates.add(new YamlDocument.DuplicateKey(childPath, keyLine, previous.keyLine()));
            }
        }
        return new YamlNode.Mapping(line, entries);
    }

    private YamlNode readSequence(JsonParser parser, String path, int depth, int line)
            throws IOException, YamlSyntaxException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (t == null) {
                throw new YamlSyntaxException(line, "the list starting here is not closed");
            }
            items.add(readValue(parser, path + "[" + items.size() + "]", depth + 1));
        }
        return new YamlNode.Sequence(line, items);
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    /** Jackson's message without its appended source excerpt and location lines. */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        return firstLine(message == null ? e.getClass().getSimpleName() : message);
    }

    private static String firstLine(String message) {
        String trimmed = message.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
    }
}
