package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code paqet status} does with a peer's {@code /status} answer that is not what paqet run writes. */
class StatusAnswerTest {

    @Test
    void aMissingFieldIsAnErrorNamingIt() {
        assertThatThrownBy(
                        () -> StatusClient.parse(
                                "{\"uptimeSeconds\":1,\"time\":2,\"sessions\":[],\"listeners\":[],\"limits\":[],\"counters\":[]}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("role");
    }

    @Test
    void jsonNullIsAnError() {
        assertThatThrownBy(() -> StatusClient.parse("null"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("null");
    }

    @Test
    void controlCharactersInTheAnswerDoNotReachTheTerminal() {
        StatusReport report = new StatusReport(
                "client",
                "paqet",
                "\u001b]0;title\u0007",
                1,
                0,
                new StatusReport.Carrier("UDP\r", "none", 0, 0, 0, 0, 0),
                List.of(),
                List.of(),
                List.of(new StatusReport.Limit("\u009b2J", 1, 0)),
                List.of());

        String table = StatusTable.format(report);

        assertThat(table).contains("paqet client ?]0;title?, up 1s", "carrier: UDP?, firewall none", "?2J");
        assertThat(table.chars().filter(c -> c != '\n' && Character.isISOControl(c)))
                .isEmpty();
    }
}
