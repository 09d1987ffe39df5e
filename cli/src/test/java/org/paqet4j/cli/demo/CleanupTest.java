package org.paqet4j.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CleanupTest {
    private final List<String> undone = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Cleanup cleanup = new Cleanup(problems::add);

    private void make(String what) throws IOException {
        cleanup.make(what, () -> () -> undone.add(what));
    }

    @Test
    void undoesInReverseOrderExactlyOnce() throws IOException {
        make("namespace");
        make("server");
        make("client");
        cleanup.close();
        cleanup.close();
        assertThat(undone).containsExactly("client", "server", "namespace");
        assertThat(problems).isEmpty();
    }

    @Test
    void refusesToMakeAnythingOnceCleanupBegan() throws IOException {
        make("namespace");
        cleanup.close();
        boolean[] ran = {false};
        assertThatThrownBy(() -> cleanup.make("web server", () -> {
                    ran[0] = true;
                    return () -> {};
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("stopped before web server: cleaning up");
        assertThat(ran[0]).as("the step itself never ran").isFalse();
        assertThat(cleanup.isClosed()).isTrue();
    }

    @Test
    void aFailingUndoIsReportedAndTheRestStillRuns() throws IOException {
        make("namespace");
        cleanup.make("server", () -> () -> {
            throw new IOException("kill failed");
        });
        make("client");
        cleanup.close();
        assertThat(undone).containsExactly("client", "namespace");
        assertThat(problems).containsExactly("removing server: kill failed");
    }

    @Test
    void aStepThatFailsRecordsNothing() {
        assertThatThrownBy(() -> cleanup.make("namespace", () -> {
                    throw new IOException("ip netns add failed");
                }))
                .hasMessage("ip netns add failed");
        cleanup.close();
        assertThat(undone).isEmpty();
    }
}
