package org.paqet4j.tunnel.socks;

import org.paqet4j.tunnel.protocol.Target;

/** A SOCKS5 request: command (CONNECT, BIND, UDP ASSOCIATE), address type and destination. */
public record Socks5Request(int command, int addressType, Target target) {}
