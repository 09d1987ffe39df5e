package org.paqet4j.kcp.codec;

import java.io.IOException;

/**
 * Turns KCP output into wire datagrams and wire datagrams back into KCP input: the kcp-go
 * datagram layer (cipher header, CRC, encryption, FEC shards).
 *
 * <p>Buffers are caller-owned {@code byte[]} so the hot path allocates nothing. Each codec
 * instance is used by one thread at a time (the session's event loop); it may keep state (FEC
 * groups, nonce generator).
 */
public interface DatagramCodec {

    /** Bytes the caller reserves in front of a KCP payload for headers (cipher header + FEC header). */
    int headerRoom();

    /** Bytes the caller reserves after a KCP payload (the AEAD tag). */
    int trailerRoom();

    /**
     * Encodes the KCP payload held in {@code buf[headerRoom(), headerRoom() + length)} in place and
     * emits one or more wire datagrams (with FEC, parity shards follow every group of data shards).
     * {@code buf} must be at least {@code headerRoom() + length + trailerRoom()} long.
     */
    void encode(byte[] buf, int length, DatagramOutput out) throws IOException;

    /**
     * Decodes the wire datagram {@code buf[0, length)} (it may be modified in place) and emits zero
     * or more KCP payloads: a datagram with a bad CRC, a failed tag or a malformed FEC header emits
     * nothing and is counted in {@link #counters()}; FEC may emit recovered payloads too.
     */
    void decode(byte[] buf, int length, PayloadInput in);

    /** Counters of what this codec dropped and recovered. */
    CodecCounters counters();

    /** Receives wire datagrams from {@link #encode}; the bytes are only valid during the call. */
    @FunctionalInterface
    interface DatagramOutput {
        void emit(byte[] buf, int offset, int length) throws IOException;
    }

    /** Receives KCP payloads from {@link #decode}; the bytes are only valid during the call. */
    @FunctionalInterface
    interface PayloadInput {
        void accept(byte[] buf, int offset, int length);

        /**
         * A payload FEC rebuilt from parity rather than received: its window and timestamp may be
         * stale, so KCP must not take them (kcp-go's {@code Input(data, regular = false)}).
         */
        default void acceptRecovered(byte[] buf, int offset, int length) {
            accept(buf, offset, length);
        }
    }
}
