package org.paqet4j.kcp;

/** Why a {@link KcpSession} ended. */
public enum CloseReason {
    /** The application closed it. */
    LOCAL,
    /** A segment was sent {@code deadLinkRetransmits} times without an ACK. */
    DEAD_LINK,
    /** The listener saw nothing from the peer for its idle timeout. */
    IDLE,
    /** The same peer address started a new conversation (new conv with sn 0). */
    REPLACED,
    /** Its event loop, listener or carrier closed. */
    SHUTDOWN
}
