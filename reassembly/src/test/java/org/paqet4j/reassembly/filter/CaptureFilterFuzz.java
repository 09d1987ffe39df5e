package org.paqet4j.reassembly.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.paqet4j.reassembly.TcpSegment;

/**
 * Arbitrary text as a capture filter: parsing gives a filter or a {@link FilterSyntaxException}
 * whose column lies within the text (or just past its end), never another exception; a parsed
 * filter evaluates on a segment without throwing, and compiles to a kernel program that ends in
 * a return within the kernel's length limit, or to nothing.
 */
class CaptureFilterFuzz {

    private static final TcpSegment SEGMENT = new TcpSegment(
            CaptureFilterTest.endpoint("198.18.0.1", 80),
            CaptureFilterTest.endpoint("2001:db8::1", 443),
            1,
            2,
            TcpSegment.ACK,
            100,
            new byte[0],
            0,
            1);

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            CaptureFilter filter = CaptureFilter.parse(text);
            filter.test(SEGMENT);
            KernelFilter.compile(filter).ifPresent(program -> {
                assertThat(program.length).isBetween(2, 4096);
                assertThat(program[program.length - 1] >>> 48).isEqualTo(0x06L); // RET
            });
        } catch (FilterSyntaxException e) {
            assertThat(e.column()).isBetween(1, text.length() + 1);
            assertThat(e.getMessage()).startsWith("column " + e.column() + ": ");
        }
    }
}
