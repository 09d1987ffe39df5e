package org.paqet4j.kcp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.paqet4j.kcp.KcptunProcess;

/**
 * Interop of the datagram layer alone against the real kcp-go: Debian's kcptun-client is pointed at
 * a UDP socket of this test; a TCP connection to it makes it open an smux stream and send data,
 * and every datagram it sends must decode with our codec and kcptun's key derivation.
 */
class KcptunPeerTest {

    private static final String KEY = "paqet4j kcptun interop";
    private static final int KCP_PUSH = 81;
    /** Enough client data for several FEC groups with kcptun's 4096-byte smux frames. */
    private static final int CLIENT_BYTES = 40_000;

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
    void decodesWhatKcptunSends(String crypt, int dataShards, int parityShards) throws Exception {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int tcpPort = KcptunProcess.freeTcpPort();
            List<String> flags = new ArrayList<>(List.of("--key", KEY, "--crypt", crypt, "--nocomp", "--mode", "fast"));
            flags.addAll(List.of(
                    "--datashard", Integer.toString(dataShards), "--parityshard", Integer.toString(parityShards)));
            try (KcptunProcess kcptun =
                            KcptunProcess.client("127.0.0.1:" + tcpPort, "127.0.0.1:" + udp.getLocalPort(), flags);
                    Socket tcp = connectWithRetry(tcpPort)) {
                OutputStream toKcptun = tcp.getOutputStream();
                toKcptun.write(new byte[CLIENT_BYTES]);
                toKcptun.flush();
                List<byte[]> datagrams = receive(udp, dataShards > 0 ? 40 : 20);
                assertThat(datagrams)
                        .as("datagrams from kcptun; its log: %s", kcptun.log())
                        .isNotEmpty();
                checkDatagrams(crypt, dataShards, parityShards, datagrams);
            }
        }
    }

    private static void checkDatagrams(String crypt, int dataShards, int parityShards, List<byte[]> datagrams) {
        byte[] key = KeyDerivation.kcptun(KEY);
        DatagramCodec codec = Codecs.create(crypt, key, dataShards, parityShards);
        List<List<byte[]>> perDatagram = new ArrayList<>();
        for (byte[] datagram : datagrams) {
            perDatagram.add(Collected.decode(codec, datagram));
        }
        assertThat(codec.counters().badChecksum()).as("CRC failures").isZero();
        assertThat(codec.counters().malformed()).as("malformed").isZero();
        byte[] first = perDatagram.getFirst().getFirst();
        ByteBuffer segment = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(first.length).isGreaterThanOrEqualTo(24 + 8);
        assertThat(segment.get(4) & 0xFF).as("KCP cmd").isEqualTo(KCP_PUSH);
        assertThat(segment.getInt(20)).as("KCP len").isBetween(8, first.length - 24);
        assertThat(first[24]).as("smux version").isEqualTo((byte) 1);
        assertThat(first[25]).as("smux cmd SYN").isEqualTo((byte) 0);
        if (dataShards > 0) {
            checkParityRecovery(crypt, key, dataShards, parityShards, datagrams, perDatagram);
        }
    }

    /**
     * The first group (seqids 0..12) from kcptun without its first {@code parityShards} data shards
     * must yield exactly those payloads again: our Reed-Solomon matches klauspost's parity.
     */
    private static void checkParityRecovery(
            String crypt,
            byte[] key,
            int dataShards,
            int parityShards,
            List<byte[]> datagrams,
            List<List<byte[]>> perDatagram) {
        int total = dataShards + parityShards;
        assertThat(datagrams.size()).as("a full FEC group").isGreaterThanOrEqualTo(total);
        for (int i = 0; i < total; i++) {
            assertThat(perDatagram.get(i))
                    .as("datagram %d of the first group", i)
                    .hasSize(i < dataShards ? 1 : 0);
        }
        DatagramCodec lossy = Codecs.create(crypt, key, dataShards, parityShards);
        Set<String> received = new HashSet<>();
        Collected in = new Collected();
        for (int i = parityShards; i < total; i++) {
            lossy.decode(datagrams.get(i).clone(), datagrams.get(i).length, in);
        }
        for (byte[] payload : in.items) {
            received.add(Arrays.toString(payload));
        }
        assertThat(lossy.counters().fecRecovered()).isEqualTo(parityShards);
        for (int i = 0; i < dataShards; i++) {
            assertThat(received).contains(Arrays.toString(perDatagram.get(i).getFirst()));
        }
    }

    private static List<byte[]> receive(DatagramSocket udp, int wanted) throws IOException {
        List<byte[]> datagrams = new ArrayList<>();
        byte[] buf = new byte[2048];
        udp.setSoTimeout(3000);
        while (datagrams.size() < wanted) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
            } catch (SocketTimeoutException e) {
                break;
            }
            datagrams.add(Arrays.copyOf(packet.getData(), packet.getLength()));
            udp.setSoTimeout(1000);
        }
        return datagrams;
    }

    private static Socket connectWithRetry(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
