package org.paqet4j.reassembly.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** {@link HeldOutput#appendHex} gives the JDK's hex, across chunk boundaries and at every alignment. */
class HeldOutputHexProperties {

    /** Pieces of any length, appended one after another across chunk boundaries, read back in order. */
    @Property(tries = 300)
    void appendedPiecesComeBackAsTheirHex(@ForAll @Size(max = 40) List<@Size(max = 3000) byte[]> pieces)
            throws IOException {
        HeldOutput held = new HeldOutput();
        StringBuilder expected = new StringBuilder();
        for (byte[] piece : pieces) {
            held.appendHex(piece);
            expected.append(HexFormat.of().formatHex(piece));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        held.writeTo(out, null, new byte[64]);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Property(tries = 50)
    void everyByteValueAtEveryAlignment(@ForAll @IntRange(min = 0, max = 7) int lead) throws IOException {
        byte[] all = new byte[lead + 256];
        for (int i = 0; i < 256; i++) {
            all[lead + i] = (byte) i;
        }
        HeldOutput held = new HeldOutput();
        held.append("x");
        held.appendHex(all);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        held.writeTo(out, null, new byte[64]);
        assertThat(out.toString(StandardCharsets.US_ASCII))
                .isEqualTo("x" + HexFormat.of().formatHex(all));
    }
}
