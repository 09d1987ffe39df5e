package org.paqet4j.kcp.codec;

import java.io.IOException;
import org.paqet4j.kcp.codec.fec.FecDecoder;
import org.paqet4j.kcp.codec.fec.FecEncoder;
import org.paqet4j.kcp.codec.fec.FecFormat;

/**
 * kcp-go's datagram layer: {@code [crypto header][FEC header][KCP segments][AEAD tag]}. On send,
 * FEC runs first and every shard, data and parity, is sealed on its own; on receive, the crypto
 * layer is opened and checked, then bytes 4..5 tell FEC packets (0xF1/0xF2) from plain KCP, as
 * kcp-go's kcpInput does, so a codec without FEC still accepts data shards from a peer with FEC.
 */
final class KcpGoCodec implements DatagramCodec {

    /** Smallest plain KCP datagram: one segment header. */
    private static final int KCP_OVERHEAD = 24;

    private final CryptoLayer crypto;
    private final FecEncoder fecEncoder;
    private final FecDecoder fecDecoder;
    private final MutableCodecCounters counters = new MutableCodecCounters();
    private final Runnable countRecovered = counters::countFecRecovered;
    private final int headerRoom;

    KcpGoCodec(CryptoLayer crypto, int dataShards, int parityShards) {
        this.crypto = crypto;
        boolean fec = dataShards > 0 && parityShards > 0;
        this.fecEncoder =
                fec ? new FecEncoder(dataShards, parityShards, crypto.headerSize(), crypto.trailerSize()) : null;
        this.fecDecoder = fec ? new FecDecoder(dataShards, parityShards) : null;
        this.headerRoom = crypto.headerSize() + (fec ? FecFormat.HEADER_SIZE_PLUS_2 : 0);
    }

    @Override
    public int headerRoom() {
        return headerRoom;
    }

    @Override
    public int trailerRoom() {
        return crypto.trailerSize();
    }

    @Override
    public void encode(byte[] buf, int length, DatagramOutput out) throws IOException {
        if (length < 0 || headerRoom + length + crypto.trailerSize() > KcpGoFraming.MTU_LIMIT) {
            throw new IllegalArgumentException("a " + length
                    + "-byte KCP payload makes a datagram over kcp-go's limit of " + KcpGoFraming.MTU_LIMIT + " bytes ("
                    + headerRoom + " header, " + crypto.trailerSize() + " trailer)");
        }
        if (buf.length < headerRoom + length + crypto.trailerSize()) {
            throw new IllegalArgumentException("buffer of " + buf.length + " bytes cannot hold a " + length
                    + "-byte payload with " + headerRoom + " bytes of header room and " + crypto.trailerSize()
                    + " of trailer room");
        }
        if (fecEncoder == null) {
            out.emit(buf, 0, crypto.seal(buf, length));
            return;
        }
        int parity = fecEncoder.sealData(buf, length);
        out.emit(buf, 0, crypto.seal(buf, FecFormat.HEADER_SIZE_PLUS_2 + length));
        for (int k = 0; k < parity; k++) {
            byte[] datagram = fecEncoder.parityDatagram(k);
            out.emit(datagram, 0, crypto.seal(datagram, fecEncoder.parityPlainLength()));
        }
    }

    @Override
    public void decode(byte[] buf, int length, PayloadInput in) {
        if (length < 0 || length > buf.length) {
            throw new IllegalArgumentException("datagram length " + length + " outside its buffer of " + buf.length);
        }
        if (length > KcpGoFraming.MTU_LIMIT) {
            // kcp-go reads into 1500-byte buffers: nothing longer is a kcp-go datagram.
            counters.countMalformed();
            return;
        }
        int plain = crypto.open(buf, length);
        if (plain < 0) {
            switch (plain) {
                case CryptoLayer.BAD_CHECKSUM -> counters.countBadChecksum();
                case CryptoLayer.BAD_TAG -> counters.countBadTag();
                default -> counters.countMalformed();
            }
            return;
        }
        int offset = crypto.headerSize();
        int type = plain >= FecFormat.HEADER_SIZE ? (buf[offset + 4] & 0xFF) | (buf[offset + 5] & 0xFF) << 8 : -1;
        if (type == FecFormat.TYPE_DATA || type == FecFormat.TYPE_PARITY) {
            decodeFec(buf, offset, plain, type, in);
        } else if (type == FecFormat.TYPE_OOB || plain < KCP_OVERHEAD) {
            counters.countMalformed();
        } else {
            in.accept(buf, offset, plain);
        }
    }

    private void decodeFec(byte[] buf, int offset, int plain, int type, PayloadInput in) {
        if (plain < FecFormat.HEADER_SIZE_PLUS_2) {
            counters.countMalformed();
            return;
        }
        if (type == FecFormat.TYPE_DATA) {
            // Like kcp-go: a data shard goes to KCP at once, whole, before any recovery.
            in.accept(buf, offset + FecFormat.HEADER_SIZE_PLUS_2, plain - FecFormat.HEADER_SIZE_PLUS_2);
        }
        if (fecDecoder != null
                && fecDecoder.accept(buf, offset, plain, in, countRecovered) == FecDecoder.Outcome.MALFORMED) {
            counters.countMalformed();
        }
    }

    @Override
    public CodecCounters counters() {
        return counters;
    }
}
