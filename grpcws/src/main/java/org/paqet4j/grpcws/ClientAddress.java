package org.paqet4j.grpcws;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The address limits and services see for a connection. X-Forwarded-For is believed only when the
 * TCP peer is one of the configured proxies — anyone else could write any address there and dodge
 * the per-address limits. The list is read right to left, skipping trusted proxies, and the first
 * other address is the client. Only IP literals are accepted (never a name: no DNS lookups on
 * attacker-chosen input).
 */
final class ClientAddress {

    private ClientAddress() {}

    static InetSocketAddress resolve(
            InetSocketAddress tcpPeer, List<String> forwardedFor, Set<InetAddress> trustedProxies) {
        if (!trustedProxies.contains(tcpPeer.getAddress()) || forwardedFor.isEmpty()) {
            return tcpPeer;
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        InetAddress client = null;
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = NetUtil.createInetAddressFromIpAddressString(hops[i].strip());
            if (hop == null) {
                break; // not an IP literal: stop at the last hop we can vouch for
            }
            client = hop;
            if (!trustedProxies.contains(hop)) {
                break;
            }
        }
        return client == null ? tcpPeer : new InetSocketAddress(client, 0);
    }
}
