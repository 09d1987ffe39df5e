package org.paqet4j.cli.config.yaml;

import java.util.List;

/**
 * A parsed YAML document: its root (null for an empty document) and the keys that were given
 * more than once (the later value wins in the tree; the reader of the file must hear about it).
 */
public record YamlDocument(YamlNode root, List<DuplicateKey> duplicateKeys) {
    public YamlDocument {
        duplicateKeys = List.copyOf(duplicateKeys);
    }

    /** A key repeated in one mapping: its dotted path and the line of the repetition. */
    public record DuplicateKey(String path, int line, int firstLine) {}
}
