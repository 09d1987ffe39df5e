package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.paqet4j.kcp.KcptunProcess;

/**
 * Our encoder against the real kcp-go: hand-made KCP segments carrying an smux v1 stream go
 * through our codec to Debian's kcptun-server, which must open the stream and forward its bytes
 * to a TCP target of this test. With FEC the datagram of the second segment is never sent, so the
 * bytes only arrive complete and in order if kcptun rebuilds it from our parity shards.
 */
class KcptunServerPeerTest {

    private static final String KEY = "paqet4j kcptun server interop";
    private static final int SEGMENTS = 10;
    private static final int CHUNK = 100;

    static Stream<Arguments> ciphersAndShards() {
        List<String> kcptunCiphers = List.of(
                "aes",
                "aes-128",
                "aes-192",
                "salsa20",
                "blowfish",
                "twofish",
                "cast5",
                "3des",
                "tea",
                "xtea",
                "xor",
                "sm4",
                "none");
        return kcptunCiphers.stream().flatMap(c -> Stream.of(Arguments.of(c, 10, 3), Arguments.of(c, 0, 0)));
    }

    @ParameterizedTest(name = "{0} fec {1}/{2}")
    @MethodSource("ciphersAndShards")
    void kcptunServerForwardsWhatWeEncode(String crypt, int dataShards, int parityShards) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int kcpPort = KcptunProcess.freeUdpPort();
        try (ServerSocket target = new ServerSocket(0, 1, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                KcptunProcess kcptun = KcptunProcess.server(
                        "127.0.0.1:" + kcpPort,
                        "127.0.0.1:" + target.getLocalPort(),
                        List.of(
                                "--key",
                                KEY,
                                "--crypt",
                                crypt,
                                "--nocomp",
                                "--mode",
                                "fast",
                                "--datashard",
                                Integer.toString(dataShards),
                                "--parityshard",
                                Integer.toString(parityShards)))) {
            kcptun.awaitLog("listening on", Duration.ofSeconds(10));
            byte[] expected = new byte[(SEGMENTS - 1) * CHUNK];
            new Random(crypt.hashCode()).nextBytes(expected);
            List<byte[]> datagrams = encodeStream(crypt, dataShards, parityShards, expected);
            if (dataShards > 0) {
                assertThat(datagrams).hasSize(SEGMENTS + parityShards);
                datagrams.remove(1); // the first data chunk travels only as parity
            }
            InetSocketAddress server = new InetSocketAddress(loopback, kcpPort);
            // No KCP sender stands behind these datagrams to retransmit one that is lost (a fresh-clone
            // run timed out once), so the whole burst is sent again until kcptun dials the target:
            // KCP drops segments it already has and FEC shards it already used, so the bytes stay the same.
            target.setSoTimeout(2000);
            Socket accepted = null;
            for (int attempt = 0; attempt < 5 && accepted == null; attempt++) {
                for (byte[] datagram : datagrams) {
                    udp.send(new DatagramPacket(datagram, datagram.length, server));
                }
                try {
                    accepted = target.accept();
                } catch (SocketTimeoutException e) {
                    // sent again
                }
            }
            assertThat(accepted)
                    .as("kcptun dialed the target; its log: %s", kcptun.log())
                    .isNotNull();
            try (Socket forwarded = accepted) {
                forwarded.setSoTimeout(5000);
                assertThat(readFully(forwarded.getInputStream(), expected.length))
                        .as("bytes kcptun forwarded; its log: %s", kcptun.log())
                        .isEqualTo(expected);
            }
        }
    }

    /** Segment 0: smux SYN for stream 3; segments 1..9: one smux PSH frame of 100 bytes each. */
    private static List<byte[]> encodeStream(String crypt, int dataShards, int parityShards, byte[] data)
            throws Exception {
        DatagramCodec codec = Codecs.create(crypt, KeyDerivation.kcptun(KEY), dataShards, parityShards);
        int conv = new Random().nextInt();
        List<byte[]> datagrams = new ArrayList<>();
        for (int sn = 0; sn < SEGMENTS; sn++) {
            byte[] smux = sn == 0
                    ? smuxFrame(0, new byte[0])
                    : smuxFrame(2, Arrays.copyOfRange(data, (sn - 1) * CHUNK, sn * CHUNK));
            datagrams.addAll(Collected.encode(codec, kcpPush(conv, sn, smux)));
        }
        return datagrams;
    }

    private static byte[] smuxFrame(int cmd, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 1).put((byte) cmd).putShort((short) data.length).putInt(3).put(data);
        return b.array();
    }

    private static byte[] kcpPush(int conv, int sn, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(24 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(conv)
                .put((byte) 81)
                .put((byte) 0)
                .putShort((short) 128)
                .putInt(0)
                .putInt(sn)
                .putInt(0)
                .putInt(data.length)
                .put(data);
        return b.array();
    }

    private static byte[] readFully(InputStream in, int length) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (out.size() < length) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
