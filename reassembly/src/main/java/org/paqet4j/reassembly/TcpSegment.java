package org.paqet4j.reassembly;

/**
 * One TCP segment as the reassembler sees it: endpoints, the header fields it uses, the payload
 * and where it came from (capture time and frame number, reported back in {@link StreamEvent.Data}).
 * The payload array is not copied here; the reassembler copies what it has to keep.
 */
public record TcpSegment(
        Endpoint source,
        Endpoint destination,
        int seq,
        int ack,
        int flags,
        int window,
        byte[] payload,
        long timestampNanos,
        long frameNumber) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    public TcpSegment {
        if (source == null || destination == null || payload == null) {
            throw new IllegalArgumentException("source, destination and payload are required");
        }
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
