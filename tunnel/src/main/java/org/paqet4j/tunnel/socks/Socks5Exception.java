package org.paqet4j.tunnel.socks;

import java.io.IOException;

/** A SOCKS5 handshake that failed; {@link #replyCode()} is what the client is told (RFC 1928 §6). */
public final class Socks5Exception extends IOException {

    private final int replyCode;

    public Socks5Exception(int replyCode, String message) {
        super(message);
        this.replyCode = replyCode;
    }

    public int replyCode() {
        return replyCode;
    }
}
