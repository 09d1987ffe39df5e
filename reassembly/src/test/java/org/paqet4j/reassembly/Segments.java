package org.paqet4j.reassembly;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds segments between two fixed endpoints for tests. */
final class Segments {

    static final Endpoint CLIENT = endpoint("10.0.0.1", 40_000);
    static final Endpoint SERVER = endpoint("10.0.0.2", 8_000);

    private long frame;
    private long time;

    static Endpoint endpoint(String ip, int port) {
        try {
            return new Endpoint(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    TcpSegment c2s(int seq, int ack, int flags, String data) {
        return of(CLIENT, SERVER, seq, ack, flags, data.getBytes());
    }

    TcpSegment s2c(int seq, int ack, int flags, String data) {
        return of(SERVER, CLIENT, seq, ack, flags, data.getBytes());
    }

    TcpSegment of(Endpoint from, Endpoint to, int seq, int ack, int flags, byte[] data) {
        frame++;
        time += 1_000_000;
        return new TcpSegment(from, to, seq, ack, flags, 65_535, data, time, frame);
    }

    TcpSegment at(long nanos, TcpSegment s) {
        return new TcpSegment(
                s.source(),
                s.destination(),
                s.seq(),
                s.ack(),
                s.flags(),
                s.window(),
                s.payload(),
                nanos,
                s.frameNumber());
    }
}
