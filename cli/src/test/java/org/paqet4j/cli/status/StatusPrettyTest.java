package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code paqet status --json}: a peer's text reaches the terminal with every control character escaped. */
class StatusPrettyTest {

    @Test
    void delAndC1ControlsAreEscapedAndTheDocumentIsUnchanged() throws Exception {
        String hostile = "{\"role\": \"server\\u007f\\u009b31m\\u0085\\u001b[2J\", \"note\": \"caf\u00e9 \u2713 \\t\"}";
        String pretty = StatusClient.pretty(hostile);
        assertThat(pretty)
                .contains("\\u007F", "\\u009B", "\\u0085", "\\u001B", "caf\u00e9 \u2713", "\\t")
                .doesNotContain("\u007f", "\u009b", "\u0085", "\u001b");
        assertThat(pretty.codePoints().filter(cp -> cp != '\n' && Character.isISOControl(cp)))
                .isEmpty();
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(pretty)).isEqualTo(json.readTree(hostile));
    }
}
