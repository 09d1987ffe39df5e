package org.paqet4j.tunnel.access;

/** An inclusive port range, written {@code 443} or {@code 8000-8999}. */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 0 || last > 0xFFFF || first > last) {
            throw new IllegalArgumentException("port range " + first + "-" + last + " is not within 0..65535");
        }
    }

    public static PortRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash < 0) {
                int port = Integer.parseInt(text.trim());
                return new PortRange(port, port);
            }
            return new PortRange(
                    Integer.parseInt(text.substring(0, dash).trim()),
                    Integer.parseInt(text.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port or port range", e);
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
