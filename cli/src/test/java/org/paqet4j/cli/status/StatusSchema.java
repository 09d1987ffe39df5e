package org.paqet4j.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The documented schema of {@code /status} (docs/status.schema.json), checked by an independent
 * validator (networknt json-schema-validator, draft 2020-12), not by our own parser.
 */
final class StatusSchema {

    static final Path FILE = Path.of("..", "docs", "status.schema.json");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Schema schema;

    private StatusSchema(Schema schema) {
        this.schema = schema;
    }

    static StatusSchema load() throws IOException {
        try (InputStream in = Files.newInputStream(FILE)) {
            return new StatusSchema(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(in));
        }
    }

    /** The ways {@code json} breaks the schema; empty when it conforms. */
    List<String> violations(String json) throws IOException {
        JsonNode document = MAPPER.readTree(json);
        return schema.validate(document).stream().map(Error::toString).toList();
    }
}
