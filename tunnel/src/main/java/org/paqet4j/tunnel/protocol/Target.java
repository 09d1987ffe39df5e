package org.paqet4j.tunnel.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Where a TCP or UDP stream goes: a domain name or an IP literal (IPv6 without brackets) and a
 * port. Domains are resolved by the server, never by the client.
 */
public record Target(String host, int port) {

    /** paqet's limit: one length byte, and DNS names are at most 253 characters. */
    public static final int MAX_HOST_LENGTH = 253;

    public Target {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("target host is empty");
        }
        int length = host.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_HOST_LENGTH) {
            throw new IllegalArgumentException("target host is " + length + " bytes, more than " + MAX_HOST_LENGTH);
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException(String.format(
                        "target host has character 0x%02x at index %d (printable ASCII only)", (int) c, i));
            }
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("target port " + port + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or {@code v6-literal:port} (the last colon
     * separates the port).
     */
    public static Target parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("'" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hostPort + "' has a non-numeric port", e);
        }
        return new Target(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
