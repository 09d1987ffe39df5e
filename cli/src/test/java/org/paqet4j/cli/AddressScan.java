package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks printed lines for addresses written the JDK's way instead of the way people write them:
 * the leading {@code /} of {@code InetSocketAddress.toString()} ({@code /198.18.0.2:9999},
 * {@code /[2001:2::1]:9999}, {@code /2001:2:0:0:0:0:0:1}), and IPv6 zero groups RFC 5952 would
 * have compressed (a URL's {@code //} before its host is fine) ({@code 0:0:0:0:0:0:0:0}, {@code 2001:2:0:0:0:0:0:1}).
 */
public final class AddressScan {

    private static final Pattern JDK_ADDRESS = Pattern.compile("(?<!/)/\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"
            + "|(?<!/)/\\[?[0-9a-fA-F]{1,4}:[0-9a-fA-F:]*:"
            + "|(^|[^0-9a-fA-F:])0:0:"
            + "|[0-9a-fA-F]:0:0($|[^0-9a-fA-F:])"
            + "|[0-9a-fA-F]:0:0:");

    private AddressScan() {}

    /** Fails naming the first lines with an address as the JDK prints it. */
    public static void assertWrittenAsPeopleDo(List<String> lines) {
        assertThat(lines)
                .as("addresses as people write them")
                .noneMatch(l -> JDK_ADDRESS.matcher(l).find());
    }

    /** Whether {@code line} has an address as the JDK prints it (for this class's own test). */
    static boolean hasJdkAddress(String line) {
        return JDK_ADDRESS.matcher(line).find();
    }
}
