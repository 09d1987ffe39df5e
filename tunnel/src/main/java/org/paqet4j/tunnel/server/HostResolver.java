package org.paqet4j.tunnel.server;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Resolves target hosts on the server; the system resolver unless a test substitutes one. */
@FunctionalInterface
public interface HostResolver {

    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
