package org.paqet4j.reassembly.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.paqet4j.reassembly.TcpSegment;

/**
 * Arbitrary bytes as a capture file: reading ends with null or a {@link CaptureFormatException}
 * (never another exception, never a frame larger than the input), and every frame decodes to a
 * segment or null without throwing.
 */
class CaptureReaderFuzz {

    @FuzzTest
    void read(byte[] input) {
        FrameDecoder decoder = new FrameDecoder();
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(input))) {
            CapturedFrame frame;
            while ((frame = reader.next()) != null) {
                assertThat(frame.data().length).isLessThanOrEqualTo(input.length);
                TcpSegment segment = decoder.decode(frame);
                if (segment != null) {
                    assertThat(segment.payload().length).isLessThan(frame.data().length);
                }
            }
        } catch (CaptureFormatException expected) {
            assertThat(expected.offset()).isBetween(0L, (long) input.length);
        } catch (IOException e) {
            throw new AssertionError("only CaptureFormatException may come out of a byte array", e);
        }
    }
}
