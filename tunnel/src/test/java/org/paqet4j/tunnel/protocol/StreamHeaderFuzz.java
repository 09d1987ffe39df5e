package org.paqet4j.tunnel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

class StreamHeaderFuzz {

    /** Only StreamHeaderException may escape; whatever decodes re-encodes to the same bytes. */
    @FuzzTest
    void decode(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        StreamHeader header;
        try {
            header = StreamHeaderReader.read(in);
        } catch (StreamHeaderException e) {
            return;
        }
        int consumed = input.length - in.available();
        assertThat(StreamHeaderWriter.encode(header)).isEqualTo(Arrays.copyOf(input, consumed));
    }
}
