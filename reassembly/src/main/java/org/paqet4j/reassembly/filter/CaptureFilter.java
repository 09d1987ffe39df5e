package org.paqet4j.reassembly.filter;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.paqet4j.reassembly.TcpSegment;

/**
 * A small BPF-like filter on decoded TCP segments: {@code tcp}, {@code host A}, {@code port N},
 * each of the last two optionally preceded by {@code src} or {@code dst}, combined with
 * {@code and}, {@code or}, {@code not} and parentheses ({@code &&}, {@code ||}, {@code !} too).
 * {@code not} binds tightest, then {@code and}, then {@code or}. Addresses are IPv4 or IPv6
 * literals (never looked up by name). Parsed by hand; every error names the column.
 */
public sealed interface CaptureFilter {

    /** Longer expressions are refused: a filter is typed by a person. */
    int MAX_LENGTH = 4096;
    /** Deeper nesting is refused, so a hostile expression cannot exhaust the parser's stack. */
    int MAX_DEPTH = 64;

    /** Lets every segment through. */
    CaptureFilter ALL = new Tcp();

    boolean test(TcpSegment segment);

    /** Which endpoint a primitive looks at. */
    enum Side {
        SRC,
        DST,
        EITHER
    }

    record Tcp() implements CaptureFilter {
        @Override
        public boolean test(TcpSegment segment) {
            return true;
        }
    }

    record Host(Side side, InetAddress address) implements CaptureFilter {
        @Override
        public boolean test(TcpSegment s) {
            return switch (side) {
                case SRC -> s.source().address().equals(address);
                case DST -> s.destination().address().equals(address);
                case EITHER ->
                    s.source().address().equals(address)
                            || s.destination().address().equals(address);
            };
        }
    }

    record Port(Side side, int port) implements CaptureFilter {
        @Override
        public boolean test(TcpSegment s) {
            return switch (side) {
                case SRC -> s.source().port() == port;
                case DST -> s.destination().port() == port;
                case EITHER -> s.source().port() == port || s.destination().port() == port;
            };
        }
    }

    record Not(CaptureFilter operand) implements CaptureFilter {
        @Override
        public boolean test(TcpSegment segment) {
            return !operand.test(segment);
        }
    }

    record And(CaptureFilter left, CaptureFilter right) implements CaptureFilter {
        @Override
        public boolean test(TcpSegment segment) {
            return left.test(segment) && right.test(segment);
        }
    }

    record Or(CaptureFilter left, CaptureFilter right) implements CaptureFilter {
        @Override
        public boolean test(TcpSegment segment) {
            return left.test(segment) || right.test(segment);
        }
    }

    /**
     * Parses {@code expression}; blank means {@link #ALL}.
     *
     * @throws FilterSyntaxException with the 1-based column of the problem
     */
    static CaptureFilter parse(String expression) {
        if (expression.length() > MAX_LENGTH) {
            throw new FilterSyntaxException(
                    MAX_LENGTH + 1, "filter longer than " + MAX_LENGTH + " characters (" + expression.length() + ")");
        }
        Parser parser = new Parser(tokens(expression), expression.length() + 1);
        if (parser.atEnd()) {
            return ALL;
        }
        CaptureFilter filter = parser.or(0);
        if (!parser.atEnd()) {
            Token t = parser.peek();
            throw new FilterSyntaxException(t.column(), "expected 'and', 'or' or the end, got '" + t.text() + "'");
        }
        return filter;
    }

    /** One word, number, address or parenthesis and where it starts (1-based). */
    record Token(String text, int column) {}

    private static List<Token> tokens(String expression) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else if (c == '(' || c == ')' || c == '!') {
                tokens.add(new Token(String.valueOf(c), i + 1));
                i++;
            } else {
                int start = i;
                while (i < expression.length() && " \t\n\r()!".indexOf(expression.charAt(i)) < 0) {
                    char w = expression.charAt(i);
                    if (w < 0x21 || w > 0x7E) {
                        throw new FilterSyntaxException(
                                i + 1, String.format(Locale.ROOT, "unexpected character U+%04X", (int) w));
                    }
                    i++;
                }
                tokens.add(new Token(expression.substring(start, i), start + 1));
            }
        }
        return tokens;
    }
}
