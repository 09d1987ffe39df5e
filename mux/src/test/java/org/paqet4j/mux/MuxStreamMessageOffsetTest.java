package org.paqet4j.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link MuxStream#readMessage(byte[], int)}: the message lands behind what the caller keeps in front. */
class MuxStreamMessageOffsetTest {

    private static final MuxConfig CONFIG =
            MuxConfig.paqetDefaults().withKeepAlive(Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void readsTheMessageBehindTheOffsetAndLeavesTheBytesInFrontAlone() throws Exception {
        try (SessionPair p = SessionPair.open(CONFIG)) {
            MuxStream c = p.client().openStream();
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            c.writeMessage(new byte[] {7, 8, 9}, 0, 3);
            c.writeMessage(new byte[] {1, 2, 3, 4}, 0, 4);
            byte[] buf = {-1, -2, 0, 0, 0, 0, 0};

            assertThat(s.readMessage(buf, 2)).isEqualTo(3);
            assertThat(Arrays.copyOf(buf, 5)).containsExactly(-1, -2, 7, 8, 9);

            assertThatThrownBy(() -> s.readMessage(buf, 4))
                    .hasMessageContaining("message of 4 bytes does not fit a buffer of 3 bytes");
            assertThat(s.readMessage(buf, 3)).isEqualTo(4);
            assertThat(buf).containsExactly(-1, -2, 7, 1, 2, 3, 4);

            assertThatThrownBy(() -> s.readMessage(buf, 8)).isInstanceOf(IndexOutOfBoundsException.class);
            c.closeWrite();
            assertThat(s.readMessage(buf, 7)).isEqualTo(-1);
        }
    }
}
