package org.paqet4j.kcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.kcp.codec.KeyDerivation;

/**
 * Structure-aware: mutated KCP segments that the peer's codec really encoded (valid nonce, CRC,
 * tag and FEC header), so the fuzzer's bytes reach the FEC decoder and the KCP state machine
 * rather than dying at the checksum. Some wire datagrams are dropped or corrupted on the way, as
 * the network would. Nothing may throw, and the receive side stays inside its windows.
 */
class KcpSessionFuzz {

    private static final byte[] KEY = KeyDerivation.kcptun("fuzz");
    private static final int CONV = 0x01020304;
    private static final int MTU = 1400;
    private static final int[] COMMANDS = {Kcp.CMD_PUSH, Kcp.CMD_ACK, Kcp.CMD_WASK, Kcp.CMD_WINS};

    @FuzzTest(maxDuration = "60s")
    void session(FuzzedDataProvider in) throws Exception {
        String crypt = in.pickValue(Codecs.CIPHERS);
        boolean fec = in.consumeBoolean();
        DatagramCodec sender = Codecs.create(crypt, KEY, fec ? 3 : 0, fec ? 2 : 0);
        DatagramCodec receiver = Codecs.create(crypt, KEY, fec ? 3 : 0, fec ? 2 : 0);
        KcpConfig config = KcpConfig.builder()
                .windows(32, 32)
                .streamMode(in.consumeBoolean())
                .build();
        Kcp kcp = new Kcp(
                CONV,
                config,
                MTU,
                new byte[MTU],
                0,
                (buf, off, len) -> assertThat(len).isBetween(1, MTU));
        byte[] out = new byte[64 * 1024];
        int now = 0;
        for (int step = 0; step < 64 && in.remainingBytes() > 0; step++) {
            byte[] segments = segments(in);
            byte[] buf = new byte[sender.headerRoom() + segments.length + sender.trailerRoom()];
            System.arraycopy(segments, 0, buf, sender.headerRoom(), segments.length);
            List<byte[]> wire = new ArrayList<>();
            sender.encode(buf, segments.length, (b, off, len) -> wire.add(Arrays.copyOfRange(b, off, off + len)));
            for (byte[] datagram : wire) {
                int fate = in.consumeInt(0, 7);
                if (fate == 0) {
                    continue; // lost
                }
                if (fate == 1 && datagram.length > 0) { // corrupted
                    datagram[in.consumeInt(0, datagram.length - 1)] ^= (byte) (1 << in.consumeInt(0, 7));
                }
                int at = now;
                receiver.decode(datagram, datagram.length, new DatagramCodec.PayloadInput() {
                    @Override
                    public void accept(byte[] b, int off, int len) {
                        kcp.input(b, off, len, at, true, false);
                    }

                    @Override
                    public void acceptRecovered(byte[] b, int off, int len) {
                        kcp.input(b, off, len, at, false, false);
                    }
                });
            }
            now += in.consumeInt(0, 500);
            kcp.flush(now, false);
            if (config.streamMode()) {
                kcp.read(out, 0, out.length);
            } else {
                kcp.recv(out, 0, out.length);
            }
            assertThat(kcp.receiveQueueSize()).isBetween(0, 32);
            assertThat(kcp.receiveBufferSize()).isBetween(0, 32);
        }
    }

    /** One to four KCP segments with fuzzed header fields (sn, una and frg kept near the window) and body. */
    private static byte[] segments(FuzzedDataProvider in) {
        int count = in.consumeInt(1, 4);
        byte[] all = new byte[0];
        for (int i = 0; i < count; i++) {
            byte[] body = in.consumeBytes(in.consumeInt(0, 300));
            byte[] seg = new byte[Kcp.OVERHEAD + body.length];
            Bytes.putInt32(seg, 0, in.consumeInt(0, 15) == 0 ? in.consumeInt() : CONV);
            seg[4] = (byte) (in.consumeInt(0, 15) == 0 ? in.consumeByte() : COMMANDS[in.consumeInt(0, 3)]);
            seg[5] = (byte) in.consumeInt(0, 4);
            Bytes.putUint16(seg, 6, in.consumeInt(0, 64));
            Bytes.putInt32(seg, 8, in.consumeInt(0, 10_000));
            Bytes.putInt32(seg, 12, in.consumeInt(0, 7) == 0 ? in.consumeInt() : in.consumeInt(0, 64));
            Bytes.putInt32(seg, 16, in.consumeInt(0, 64));
            Bytes.putInt32(seg, 20, in.consumeInt(0, 15) == 0 ? in.consumeInt() : body.length);
            System.arraycopy(body, 0, seg, Kcp.OVERHEAD, body.length);
            byte[] joined = Arrays.copyOf(all, all.length + seg.length);
            System.arraycopy(seg, 0, joined, all.length, seg.length);
            all = joined;
        }
        return all;
    }
}
