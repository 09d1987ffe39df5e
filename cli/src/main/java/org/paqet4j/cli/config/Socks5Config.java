package org.paqet4j.cli.config;

/** One SOCKS5 listener of a client; empty username and password mean no authentication. */
public record Socks5Config(HostPort listen, String username, String password) {
    public boolean authenticates() {
        return !username.isEmpty();
    }

    @Override
    public String toString() {
        return "Socks5Config[listen=" + listen + ", username=" + username + ", password="
                + (password.isEmpty() ? "" : "***") + "]";
    }
}
