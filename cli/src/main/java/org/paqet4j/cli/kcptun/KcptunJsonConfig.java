package org.paqet4j.cli.kcptun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kcptun's {@code -c config.json}: its keys override the command line, as in kcptun. A key kcptun
 * does not know is reported as a warning (kcptun ignores it); a value of the wrong type is an error
 * naming the key.
 */
final class KcptunJsonConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FILE_BYTES = 1 << 20;

    private KcptunJsonConfig() {}

    /** Applies the file's keys to {@code values} (kcptun's keys with their current values); returns warnings. */
    static List<String> apply(Path file, Map<String, Object> values) throws KcptunFlagException {
        byte[] json;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new KcptunFlagException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KcptunFlagException(file + ": " + e.getMessage());
        }
        return apply(file.toString(), json, values);
    }

    /** The same for the bytes of a file; {@code file} names it in the messages. */
    static List<String> apply(String file, byte[] json, Map<String, Object> values) throws KcptunFlagException {
        if (json.length > MAX_FILE_BYTES) {
            throw new KcptunFlagException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new KcptunFlagException(file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new KcptunFlagException(file + ": must be a JSON object of kcptun's keys");
        }
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String key = field.getKey();
            JsonNode node = field.getValue();
            Object current = values.get(key);
            if (!values.containsKey(key)) {
                warnings.add(
                        file + ": key \"" + key + "\" is not one of kcptun's for this side; ignored as kcptun does");
            } else if (current instanceof String) {
                if (!node.isTextual()) {
                    throw new KcptunFlagException(file + ": \"" + key + "\" must be a string, not " + node);
                }
                values.put(key, node.asText());
            } else if (current instanceof Boolean) {
                if (!node.isBoolean()) {
                    throw new KcptunFlagException(file + ": \"" + key + "\" must be true or false, not " + node);
                }
                values.put(key, node.asBoolean());
            } else {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw new KcptunFlagException(file + ": \"" + key + "\" must be an integer, not " + node);
                }
                values.put(key, node.asInt());
            }
        }
        return warnings;
    }
}
