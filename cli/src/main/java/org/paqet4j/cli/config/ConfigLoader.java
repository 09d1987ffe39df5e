package org.paqet4j.cli.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.paqet4j.cli.config.yaml.YamlDocument;
import org.paqet4j.cli.config.yaml.YamlNode;
import org.paqet4j.cli.config.yaml.YamlSyntaxException;
import org.paqet4j.cli.config.yaml.YamlTreeReader;

/**
 * Reads a paqet configuration file. Either returns a complete, valid {@link PaqetConfig} or
 * throws a {@link ConfigException} listing every problem with file, line, path and value.
 * Reading never touches the network or the host's interfaces; those are checked when the tunnel
 * starts.
 */
public final class ConfigLoader {
    /** Configurations are a few kilobytes; anything this large is not one. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {}

    public static LoadedConfig load(Path file) throws ConfigException {
        String name = file.toString();
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw fileProblem(name, "is larger than " + MAX_FILE_BYTES + " bytes; that is no configuration file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw fileProblem(name, "no such file");
        } catch (IOException e) {
            throw fileProblem(name, "cannot be read: " + e.getMessage());
        }
        return parse(name, bytes);
    }

    /** Parses UTF-8 configuration bytes; {@code fileName} only names the source in messages. */
    public static LoadedConfig parse(String fileName, byte[] bytes) throws ConfigException {
        try {
            return parse(
                    fileName,
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString());
        } catch (CharacterCodingException e) {
            throw fileProblem(fileName, "is not UTF-8 text");
        }
    }

    public static LoadedConfig parse(String fileName, String text) throws ConfigException {
        if (text.length() > MAX_FILE_BYTES) {
            throw fileProblem(fileName, "is larger than " + MAX_FILE_BYTES + " bytes; that is no configuration file");
        }
        YamlDocument document;
        try {
            document = YamlTreeReader.read(text);
        } catch (YamlSyntaxException e) {
            throw new ConfigException(
                    List.of(new ConfigProblem(fileName, e.line(), "", "YAML syntax error: " + e.getMessage())));
        }
        Problems problems = new Problems(fileName);
        for (YamlDocument.DuplicateKey d : document.duplicateKeys()) {
            problems.error(d.line(), d.path(), "is given twice (first on line " + d.firstLine() + ")");
        }
        if (document.root() == null) {
            throw fileProblem(fileName, "is empty; a configuration needs at least role, network and transport.kcp.key");
        }
        if (!(document.root() instanceof YamlNode.Mapping root)) {
            problems.error(
                    document.root().line(),
                    "",
                    "the file must be a mapping of keys (role: ..., network: ...), not "
                            + document.root().kind());
            throw new ConfigException(problems.errors());
        }
        var config = new ConfigBinder(problems).bind(root);
        if (problems.hasErrors() || config.isEmpty()) {
            throw new ConfigException(problems.errors());
        }
        return new LoadedConfig(config.get(), problems.warnings());
    }

    private static ConfigException fileProblem(String fileName, String message) {
        return new ConfigException(List.of(new ConfigProblem(fileName, 0, "", message)));
    }
}
