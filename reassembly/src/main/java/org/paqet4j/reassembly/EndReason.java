package org.paqet4j.reassembly;

/** Why a direction ended. RST and FIN win over the reason the connection was finally dropped. */
public enum EndReason {
    /** This direction sent a FIN (and no RST was seen on the connection). */
    FIN,
    /** A RST inside the receiver's window was seen in either direction. */
    RST,
    /** Idle longer than the configured timeout. */
    TIMEOUT,
    /** Dropped to stay within the memory budget. */
    EVICTED,
    /** A new SYN reused the 4-tuple, so a new stream began. */
    REUSED,
    /** {@link TcpReassembler#close()} (for a capture file: end of file). */
    CLOSE
}
