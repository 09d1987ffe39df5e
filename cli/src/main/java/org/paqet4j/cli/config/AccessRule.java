package org.paqet4j.cli.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * One {@code access} entry: a network in CIDR form and a port range. Written {@code 10.0.0.0/8},
 * {@code 10.0.0.0/8:443}, {@code 10.0.0.0/8:8000-8999}, {@code 192.0.2.7} (one host),
 * {@code fd00::/8} or, with ports, {@code [fd00::/8]:443}. The network is stored with its host
 * bits cleared.
 */
public record AccessRule(InetAddress network, int prefixLength, int fromPort, int toPort) {

    public AccessRule {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix /" + prefixLength + " on a " + bits + "-bit address");
        }
        if (fromPort < 0 || toPort > 65535 || fromPort > toPort) {
            throw new IllegalArgumentException("bad port range " + fromPort + "-" + toPort);
        }
        network = masked(network, prefixLength);
    }

    static Optional<AccessRule> parse(String text) {
        String cidr = text;
        String ports = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 < text.length() && text.charAt(close + 1) != ':') {
                return Optional.empty();
            }
            cidr = text.substring(1, close);
            ports = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') >= 0) {
            // exactly one colon: IPv4 with a port part (an IPv6 literal has at least two)
            cidr = text.substring(0, text.indexOf(':'));
            ports = text.substring(text.indexOf(':') + 1);
        }
        int slash = cidr.indexOf('/');
        Optional<InetAddress> address = IpLiterals.parse(slash < 0 ? cidr : cidr.substring(0, slash));
        if (address.isEmpty()) {
            return Optional.empty();
        }
        int bits = address.get().getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = cidr.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                return Optional.empty();
            }
        }
        int from = 0;
        int to = 65535;
        if (ports != null) {
            int dash = ports.indexOf('-');
            Optional<Integer> a = port(dash < 0 ? ports : ports.substring(0, dash));
            Optional<Integer> b = dash < 0 ? a : port(ports.substring(dash + 1));
            if (a.isEmpty() || b.isEmpty() || a.get() > b.get()) {
                return Optional.empty();
            }
            from = a.get();
            to = b.get();
        }
        return Optional.of(new AccessRule(address.get(), prefix, from, to));
    }

    private static Optional<Integer> port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int p = Integer.parseInt(text);
        return p <= 65535 ? Optional.of(p) : Optional.empty();
    }

    /** Whether a target address and port fall under this rule. */
    public boolean matches(InetAddress address, int port) {
        return port >= fromPort
                && port <= toPort
                && address.getAddress().length == network.getAddress().length
                && masked(address, prefixLength).equals(network);
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.clamp(prefixLength - 8L * i, 0, 8);
            bytes[i] &= (byte) (0xFF00 >>> keep);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    /** The form the configuration file uses. */
    @Override
    public String toString() {
        boolean v4 = network instanceof Inet4Address;
        int bits = v4 ? 32 : 128;
        String cidr = IpLiterals.format(network) + (prefixLength == bits ? "" : "/" + prefixLength);
        if (fromPort == 0 && toPort == 65535) {
            return cidr;
        }
        String range = fromPort == toPort ? String.valueOf(fromPort) : fromPort + "-" + toPort;
        return (v4 ? cidr : "[" + cidr + "]") + ":" + range;
    }
}
