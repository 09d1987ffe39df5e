package org.paqet4j.reassembly;

/** Called once per new stream, before its first event. */
@FunctionalInterface
public interface StreamFactory {

    StreamHandler open(StreamInfo stream);
}
