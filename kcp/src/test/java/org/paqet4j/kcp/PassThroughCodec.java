package org.paqet4j.kcp;

import java.io.IOException;
import org.paqet4j.kcp.codec.CodecCounters;
import org.paqet4j.kcp.codec.DatagramCodec;

/** Test codec: the KCP payload is the datagram (kcp-go with no cipher and no FEC). */
final class PassThroughCodec implements DatagramCodec {
    private static final CodecCounters ZERO = new CodecCounters() {
        @Override
        public long badChecksum() {
            return 0;
        }

        @Override
        public long badTag() {
            return 0;
        }

        @Override
        public long malformed() {
            return 0;
        }

        @Override
        public long fecRecovered() {
            return 0;
        }
    };

    @Override
    public int headerRoom() {
        return 0;
    }

    @Override
    public int trailerRoom() {
        return 0;
    }

    @Override
    public void encode(byte[] buf, int length, DatagramOutput out) throws IOException {
        out.emit(buf, 0, length);
    }

    @Override
    public void decode(byte[] buf, int length, PayloadInput in) {
        in.accept(buf, 0, length);
    }

    @Override
    public CodecCounters counters() {
        return ZERO;
    }
}
