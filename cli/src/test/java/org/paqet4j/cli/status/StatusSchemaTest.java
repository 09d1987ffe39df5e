package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class StatusSchemaTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode sampleDocument() throws Exception {
        return (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsString(StatusServerTest.sample()));
    }

    @Test
    void aReportAsTheServerWritesItConforms() throws Exception {
        assertThat(StatusSchema.load().violations(sampleDocument().toString())).isEmpty();
    }

    @Test
    void aMissingTopLevelFieldFails() throws Exception {
        ObjectNode document = sampleDocument();
        document.remove("carrier");
        assertThat(StatusSchema.load().violations(document.toString()))
                .singleElement()
                .asString()
                .contains("carrier");
    }

    @Test
    void aMissingSessionFieldFails() throws Exception {
        ObjectNode document = sampleDocument();
        ((ObjectNode) ((ArrayNode) document.get("sessions")).get(0)).remove("rttMs");
        assertThat(StatusSchema.load().violations(document.toString()))
                .singleElement()
                .asString()
                .contains("rttMs");
    }

    @Test
    void aWrongTypeOrUnknownRoleFails() throws Exception {
        ObjectNode document = sampleDocument();
        document.put("role", "relay");
        document.put("uptimeSeconds", "ten");
        assertThat(StatusSchema.load().violations(document.toString())).hasSize(2);
    }

    @Test
    void unknownFieldsAreAllowedForLaterVersions() throws Exception {
        ObjectNode document = sampleDocument();
        document.put("addedLater", 1);
        ((ObjectNode) document.get("carrier")).put("alsoNew", "x");
        assertThat(StatusSchema.load().violations(document.toString())).isEmpty();
    }
}
