package org.paqet4j.kcp.codec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Copies of what a codec emitted, for tests. */
final class Collected implements DatagramCodec.DatagramOutput, DatagramCodec.PayloadInput {

    final List<byte[]> items = new ArrayList<>();

    @Override
    public void emit(byte[] buf, int offset, int length) {
        items.add(Arrays.copyOfRange(buf, offset, offset + length));
    }

    @Override
    public void accept(byte[] buf, int offset, int length) {
        items.add(Arrays.copyOfRange(buf, offset, offset + length));
    }

    /** Encodes {@code payload} with {@code codec} and returns the wire datagrams. */
    static List<byte[]> encode(DatagramCodec codec, byte[] payload) throws IOException {
        byte[] buf = new byte[codec.headerRoom() + payload.length + codec.trailerRoom()];
        System.arraycopy(payload, 0, buf, codec.headerRoom(), payload.length);
        Collected out = new Collected();
        codec.encode(buf, payload.length, out);
        return out.items;
    }

    /** Decodes a copy of {@code datagram} and returns the payloads. */
    static List<byte[]> decode(DatagramCodec codec, byte[] datagram) {
        Collected in = new Collected();
        codec.decode(datagram.clone(), datagram.length, in);
        return in.items;
    }
}
