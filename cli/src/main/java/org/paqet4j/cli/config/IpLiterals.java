package org.paqet4j.cli.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;
import org.paqet4j.packet.AddressText;

/** IP address literals: parsed without ever asking DNS (a config check must not touch the net), printed in canonical form. */
public final class IpLiterals {
    /** The JDK also takes "10.1" and "10"; a configuration reader wants the full four parts. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private IpLiterals() {}

    static Optional<InetAddress> parse(String text) {
        if (text.isEmpty()
                || !text.chars().allMatch(IpLiterals::isLiteralChar)
                || !text.contains(":") && !DOTTED_QUAD.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Optional<Inet4Address> parse4(String text) {
        return parse(text).filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a);
    }

    static Optional<Inet6Address> parse6(String text) {
        // "::ffff:1.2.3.4" is folded to an IPv4 address by the JDK; it is no IPv6 source address.
        return text.contains(":")
                ? parse(text).filter(a -> a instanceof Inet6Address).map(a -> (Inet6Address) a)
                : Optional.empty();
    }

    private static boolean isLiteralChar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':';
    }

    /** The canonical text of an address: dotted quad, or IPv6 in RFC 5952 form ("2001:db8::1"). */
    public static String format(InetAddress address) {
        return AddressText.of(address);
    }
}
