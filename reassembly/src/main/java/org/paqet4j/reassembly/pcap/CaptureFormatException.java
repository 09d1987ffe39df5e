package org.paqet4j.reassembly.pcap;

import java.io.IOException;

/** The capture file is not a well-formed pcap or pcapng file; {@link #offset()} is where reading failed. */
public final class CaptureFormatException extends IOException {

    private final long offset;

    public CaptureFormatException(long offset, String message) {
        super("at byte " + offset + ": " + message);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
