package org.paqet4j.reassembly;

/** Receives the events of one stream, both directions, on the reassembler's thread. */
@FunctionalInterface
public interface StreamHandler {

    /** Events of one direction arrive in stream order; the last one per direction is an {@link StreamEvent.End}. */
    void onEvent(Direction direction, StreamEvent event);
}
