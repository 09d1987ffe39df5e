package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Arbitrary bytes as the {@code /status} answer {@code paqet status --url} reads from a peer: the
 * parser returns a report or throws {@link IOException}; a report prints as the summary table
 * without throwing and without a control character other than the line breaks (the text goes to a
 * terminal); {@code --json}'s re-indenting throws nothing but {@link IOException}.
 */
class StatusReportFuzz {

    /** maxDuration bounds a local fuzzing run (JAZZER_FUZZ=1); CI runs the seeds only. */
    @FuzzTest(maxDuration = "2m")
    void parse(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        try {
            String pretty = StatusClient.pretty(body);
            // what --json prints holds no control character but the pretty printer's newlines
            assertThat(pretty.codePoints().filter(cp -> cp != '\n' && Character.isISOControl(cp)))
                    .as(pretty)
                    .isEmpty();
        } catch (IOException expected) {
            // malformed JSON: paqet status --json reports it
        }
        StatusReport report;
        try {
            report = StatusClient.parse(body);
        } catch (IOException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return;
        }
        String table = StatusTable.format(report);
        assertThat(table.codePoints().filter(cp -> cp != '\n' && Character.isISOControl(cp)))
                .as(table)
                .isEmpty();
    }
}
