package org.paqet4j.cli.config;

/** One port forward of a client: connections (or datagrams) to {@code listen} go to {@code target} via the server. */
public record ForwardConfig(HostPort listen, HostPort target, ForwardProtocol protocol) {}
