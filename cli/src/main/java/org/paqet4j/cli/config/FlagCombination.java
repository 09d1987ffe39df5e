package org.paqet4j.cli.config;

import org.paqet4j.packet.wire.TcpFlags;

/**
 * One TCP flag combination of {@code network.tcp.local_flag}/{@code remote_flag}, e.g.
 * {@code "PA"}, parsed by the packet layer's {@link TcpFlags} with paqet's rules (upper-case
 * letters from {@code FSRPAUECN}, the empty string a combination without flags). The letters are
 * kept as written so the effective configuration shows what the user wrote.
 */
public record FlagCombination(String letters) {

    /** @throws IllegalArgumentException naming the bad letter and its position */
    public FlagCombination {
        TcpFlags.parse(letters);
    }

    /** The mask paqet's TCPF message carries: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128, NS 256. */
    public short mask() {
        return TcpFlags.parse(letters);
    }

    @Override
    public String toString() {
        return letters;
    }
}
