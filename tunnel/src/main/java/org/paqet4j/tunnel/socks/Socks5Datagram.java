package org.paqet4j.tunnel.socks;

import org.paqet4j.tunnel.protocol.Target;

/** A decoded SOCKS5 UDP request header; the payload is {@code buf[dataOffset, dataOffset + dataLength)}. */
public record Socks5Datagram(int fragment, Target target, int dataOffset, int dataLength) {}
