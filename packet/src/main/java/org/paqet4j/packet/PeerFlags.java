package org.paqet4j.packet;

import java.net.InetSocketAddress;

/**
 * The TCP flags a carrier sends to one peer instead of its own (the flags a client asked for in
 * its TCPF stream). Each entry is a flag mask (FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32,
 * ECE 64, CWR 128, NS 256). A carrier that does not emulate TCP hands out {@link #IGNORE}.
 */
@FunctionalInterface
public interface PeerFlags {

    /** For carriers without TCP flags (UDP): flags are accepted and have no effect. */
    PeerFlags IGNORE = (peer, masks) -> {};

    /** Sends {@code masks} round-robin to {@code peer} from now on; {@code masks} is never empty. */
    void set(InetSocketAddress peer, short[] masks);

    /** Forgets {@code peer}'s flags (an empty TCPF, its session ended): it gets the local flags again. */
    default void clear(InetSocketAddress peer) {}
}
