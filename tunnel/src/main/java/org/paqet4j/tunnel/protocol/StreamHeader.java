package org.paqet4j.tunnel.protocol;

import java.util.Arrays;
import org.paqet4j.packet.wire.TcpFlags;

/**
 * The paqet (v1.0.0-alpha.21) header written first on every stream:
 * {@code 'P' 0x01 type u8, body-length u16 BE, body}.
 */
public sealed interface StreamHeader {

    byte MAGIC = 0x50;
    byte VERSION = 0x01;
    int PREFIX_LENGTH = 5;
    int MAX_BODY_LENGTH = 4096;
    /** A TCPF header lists at most this many flag masks. */
    int MAX_FLAG_COUNT = 64;

    byte TYPE_PING = 0x01;
    byte TYPE_PONG = 0x02;
    byte TYPE_TCPF = 0x03;
    byte TYPE_TCP = 0x04;
    byte TYPE_UDP = 0x05;

    /** The wire type byte. */
    byte type();

    /** Liveness probe; the server answers with {@link Pong} on the same stream. */
    record Ping() implements StreamHeader {
        @Override
        public byte type() {
            return TYPE_PING;
        }
    }

    /** Answer to {@link Ping}. */
    record Pong() implements StreamHeader {
        @Override
        public byte type() {
            return TYPE_PONG;
        }
    }

    /**
     * The TCP flag cycle the server should use when sending to this client (its
     * {@code remote_flag}); an empty list makes the server forget the client's flags.
     */
    record Tcpf(short[] masks) implements StreamHeader {
        public Tcpf {
            if (masks.length > MAX_FLAG_COUNT) {
                throw new IllegalArgumentException(
                        "TCPF lists " + masks.length + " flag masks, more than " + MAX_FLAG_COUNT);
            }
            for (int i = 0; i < masks.length; i++) {
                if (!TcpFlags.isValidMask(masks[i])) {
                    throw new IllegalArgumentException(
                            String.format("TCPF mask %d is 0x%04x, which has bits beyond NS", i, masks[i] & 0xFFFF));
                }
            }
            masks = masks.clone();
        }

        @Override
        public short[] masks() {
            return masks.clone();
        }

        @Override
        public byte type() {
            return TYPE_TCPF;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tcpf other && Arrays.equals(masks, other.masks);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(masks);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Tcpf[");
            for (int i = 0; i < masks.length; i++) {
                sb.append(i == 0 ? "" : ",").append(TcpFlags.toLetters(masks[i]));
            }
            return sb.append(']').toString();
        }
    }

    /** Opens a TCP connection to {@code target}; then the stream carries its bytes both ways. */
    record Tcp(Target target) implements StreamHeader {
        @Override
        public byte type() {
            return TYPE_TCP;
        }
    }

    /** Relays UDP datagrams to {@code target}; then every stream message is one datagram. */
    record Udp(Target target) implements StreamHeader {
        @Override
        public byte type() {
            return TYPE_UDP;
        }
    }
}
