package org.paqet4j.mux;

/**
 * A frame the session sends on its own behalf rather than for a caller: window updates, refusals of streams over
 * {@code maxStreams}, FINs of streams reset for their backlog, keepalive NOPs. None of them is ordered against stream data, so they wait in the
 * {@link SessionWriter}'s outbox and leave whenever the write lock is next free, never blocking whoever asked for
 * them (a reader or the receive loop waiting on the transport could deadlock two sessions with full buffers).
 */
sealed interface ControlFrame {

    /**
     * v2 UPD for {@code stream}. It names the stream, not the counts: the payload is taken when the frame is
     * written, so a queued update always carries the newest consumed count and fair window.
     */
    record WindowUpdate(MuxStream stream) implements ControlFrame {}

    /** FIN answering a SYN that would have exceeded {@code maxStreams}. */
    record Refusal(int streamId) implements ControlFrame {}

    /**
     * FIN for a stream this side reset because it held more than its share of a full {@code smuxbuf} (smux has no
     * reset; FIN is the closest it has, and the peer's reads end as after a close).
     */
    record Reset(int streamId) implements ControlFrame {}

    /** A keepalive NOP on stream 0. */
    record KeepAlive() implements ControlFrame {}
}
