package org.paqet4j.tunnel.socks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** RFC 1929 username and password, compared in constant time. */
public record Credentials(byte[] username, byte[] password) {

    public Credentials {
        if (username.length > 255 || password.length > 255) {
            throw new IllegalArgumentException("SOCKS5 username and password are at most 255 bytes each");
        }
        username = username.clone();
        password = password.clone();
    }

    public static Credentials of(String username, String password) {
        return new Credentials(username.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
    }

    public boolean matches(Credentials other) {
        // Both compared always, so timing does not tell which one was wrong.
        boolean user = MessageDigest.isEqual(username, other.username);
        boolean pass = MessageDigest.isEqual(password, other.password);
        return user & pass;
    }

    @Override
    public byte[] username() {
        return username.clone();
    }

    @Override
    public byte[] password() {
        return password.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials other && matches(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(username);
    }

    @Override
    public String toString() {
        return "Credentials[" + new String(username, StandardCharsets.UTF_8) + ", ****]";
    }
}
