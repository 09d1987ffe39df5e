package org.paqet4j.reassembly.filter;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.paqet4j.reassembly.filter.CaptureFilter.Side;
import org.paqet4j.reassembly.filter.CaptureFilter.Token;

/** Recursive descent over {@link CaptureFilter}'s tokens: or → and ('or' and)*, and → not ('and' not)*. */
final class Parser {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final List<Token> tokens;
    private final int endColumn;
    private int next;

    Parser(List<Token> tokens, int endColumn) {
        this.tokens = tokens;
        this.endColumn = endColumn;
    }

    boolean atEnd() {
        return next == tokens.size();
    }

    Token peek() {
        return tokens.get(next);
    }

    CaptureFilter or(int depth) {
        CaptureFilter left = and(depth);
        while (accept("or", "||")) {
            left = new CaptureFilter.Or(left, and(depth));
        }
        return left;
    }

    private CaptureFilter and(int depth) {
        CaptureFilter left = not(depth);
        while (accept("and", "&&")) {
            left = new CaptureFilter.And(left, not(depth));
        }
        return left;
    }

    private CaptureFilter not(int depth) {
        int column = column();
        if (accept("not", "!")) {
            checkDepth(depth + 1, column);
            return new CaptureFilter.Not(not(depth + 1));
        }
        return primary(depth);
    }

    private CaptureFilter primary(int depth) {
        Token t = take("a filter ('tcp', 'host A', 'port N', 'src …', 'dst …', 'not …' or '(')");
        String word = t.text().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "(" -> {
                checkDepth(depth + 1, t.column());
                CaptureFilter inner = or(depth + 1);
                Token close = take("')' to close the '(' at column " + t.column());
                if (!close.text().equals(")")) {
                    throw new FilterSyntaxException(
                            close.column(),
                            "expected ')' to close the '(' at column " + t.column() + ", got '" + close.text() + "'");
                }
                yield inner;
            }
            case "tcp" -> CaptureFilter.ALL;
            case "src" -> qualified(Side.SRC);
            case "dst" -> qualified(Side.DST);
            case "host" -> host(Side.EITHER);
            case "port" -> port(Side.EITHER);
            default ->
                throw new FilterSyntaxException(
                        t.column(),
                        "expected 'tcp', 'host', 'port', 'src', 'dst', 'not' or '(', got '" + t.text() + "'");
        };
    }

    private CaptureFilter qualified(Side side) {
        Token t = take("'host' or 'port'");
        return switch (t.text().toLowerCase(Locale.ROOT)) {
            case "host" -> host(side);
            case "port" -> port(side);
            default -> throw new FilterSyntaxException(t.column(), "expected 'host' or 'port', got '" + t.text() + "'");
        };
    }

    private CaptureFilter host(Side side) {
        Token t = take("an IPv4 or IPv6 address");
        String text = t.text();
        // IPv4 only as a dotted quad (InetAddress also takes "1.2.3" and "1" as addresses)
        boolean literal = text.contains(":")
                ? text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                : IPV4.matcher(text).matches();
        InetAddress address = null;
        if (literal) {
            try {
                // ofLiteral never resolves a name
                address = InetAddress.ofLiteral(text);
            } catch (IllegalArgumentException e) {
                address = null;
            }
        }
        if (address == null) {
            throw new FilterSyntaxException(
                    t.column(), "expected an IPv4 or IPv6 address (e.g. 192.0.2.1, 2001:db8::1), got '" + text + "'");
        }
        return new CaptureFilter.Host(side, address);
    }

    private CaptureFilter port(Side side) {
        Token t = take("a port number");
        String text = t.text();
        int port = -1;
        if (!text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            port = Integer.parseInt(text);
        }
        if (port < 0 || port > 65_535) {
            throw new FilterSyntaxException(t.column(), "expected a port number 0-65535, got '" + text + "'");
        }
        return new CaptureFilter.Port(side, port);
    }

    private boolean accept(String word, String symbol) {
        if (atEnd()) {
            return false;
        }
        String text = peek().text();
        if (text.equalsIgnoreCase(word) || text.equals(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    private Token take(String expected) {
        if (atEnd()) {
            throw new FilterSyntaxException(endColumn, "expected " + expected + ", got the end of the filter");
        }
        return tokens.get(next++);
    }

    private int column() {
        return atEnd() ? endColumn : peek().column();
    }

    private static void checkDepth(int depth, int column) {
        if (depth > CaptureFilter.MAX_DEPTH) {
            throw new FilterSyntaxException(column, "nested deeper than " + CaptureFilter.MAX_DEPTH + " levels");
        }
    }
}
