package org.paqet4j.cli.config;

import java.util.Optional;

/**
 * A {@code host:port} as written in the configuration. The host is an IP literal, a DNS name, or
 * empty (all local addresses, as in {@code ":9999"}); IPv6 literals are written in brackets.
 * Names are resolved when the tunnel starts, not when the file is read.
 */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; the port must lie in [minPort, 65535]. */
    static Optional<HostPort> parse(String text, int minPort) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]")
                    || IpLiterals.parse(host.substring(1, host.length() - 1)).isEmpty()
                    || !host.contains(":")) {
                return Optional.empty();
            }
            host = IpLiterals.format(
                    IpLiterals.parse(host.substring(1, host.length() - 1)).orElseThrow());
        } else if (host.contains(":") || !(host.isEmpty() || isHostName(host))) {
            return Optional.empty();
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int p = Integer.parseInt(port);
        return p < minPort || p > 65535 ? Optional.empty() : Optional.of(new HostPort(host, p));
    }

    /** An address to connect to: like {@link #parse} with port 1-65535, and the host is required. */
    static Optional<HostPort> parseTarget(String text) {
        return parse(text, 1).filter(h -> !h.host().isEmpty());
    }

    /** A DNS name or an IPv4 literal: dot-separated labels of letters, digits, '-' and '_'. */
    private static boolean isHostName(String host) {
        if (host.length() > 253 || host.startsWith(".") || host.contains("..")) {
            return false;
        }
        for (String label : host.split("\\.")) {
            if (label.isEmpty()
                    || label.length() > 63
                    || label.startsWith("-")
                    || !label.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The form the configuration file uses. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
