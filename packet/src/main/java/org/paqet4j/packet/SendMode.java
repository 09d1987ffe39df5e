package org.paqet4j.packet;

/** How the raw carrier puts its packets on the wire. */
public enum SendMode {
    /**
     * Whole Ethernet frames through an AF_PACKET socket, addressed to the next hop's MAC (paqet's
     * way). Bypasses the IP stack and netfilter; needs the gateway MAC.
     */
    PACKET,
    /**
     * IP packets with our own headers through raw IP sockets (IPPROTO_RAW): the kernel routes and
     * resolves the MAC, netfilter OUTPUT sees them. The kernel fills in a zero IPv4 ID.
     */
    RAW_IP
}
