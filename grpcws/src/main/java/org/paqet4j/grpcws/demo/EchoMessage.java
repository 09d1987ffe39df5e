package org.paqet4j.grpcws.demo;

import java.util.Arrays;

/** {@code message EchoMessage { bytes payload = 1; }} — immutable; copies in and out. */
public final class EchoMessage {

    private final byte[] payload;

    private EchoMessage(byte[] payload) {
        this.payload = payload;
    }

    public static EchoMessage of(byte[] payload) {
        return new EchoMessage(payload.clone());
    }

    /** Takes ownership of bytes nobody else holds (decoder, service). */
    static EchoMessage owning(byte[] payload) {
        return new EchoMessage(payload);
    }

    public byte[] payload() {
        return payload.clone();
    }

    public int size() {
        return payload.length;
    }

    byte[] payloadShared() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EchoMessage m && Arrays.equals(payload, m.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "EchoMessage[" + payload.length + " bytes]";
    }
}
