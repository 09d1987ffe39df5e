package org.paqet4j.tunnel.compress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.kcp.KcptunProcess;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.packet.UdpCarrier;

/**
 * What Debian's kcptun-client (default flags: compression on, aes, FEC 10/3, smux v1) puts into its
 * KCP session, read below smux: the snappy framed stream. Every chunk must decode with our reader,
 * and our writer, given each chunk's decoded bytes as one write (kcptun flushes after every write),
 * must produce the very same bytes: stream identifier, chunk types, lengths, masked CRCs and, for
 * compressed chunks, the compressed block.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KcptunSnappyCaptureTest {

    private static final String KEY = "snappy capture";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SMUX_HEADER = 8;
    private static final int SMUX_PSH = 2;

    /** One chunk as kcptun sent it and the bytes it stands for. */
    private record Chunk(int type, byte[] raw, byte[] decoded) {}

    @Test
    void ourWriterMatchesKcptunByteForByte() throws Exception {
        byte[] random = new byte[1000];
        new Random(5).nextBytes(random);
        byte[] text = "kcptun compresses every smux frame it writes with snappy. "
                .repeat(70)
                .getBytes(StandardCharsets.US_ASCII);
        try (KcpEventLoop loop = KcpEventLoop.start("snappy-capture");
                UdpCarrier carrier = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 4 << 20);
                KcpListener listener = KcpListener.listen(
                        loop,
                        carrier,
                        KcpConfig.defaults(),
                        () -> Codecs.create("aes", KeyDerivation.kcptun(KEY), 10, 3),
                        4,
                        Duration.ofSeconds(30))) {
            int tcpPort = KcptunProcess.freeTcpPort();
            try (KcptunProcess kcptun = KcptunProcess.client(
                            "127.0.0.1:" + tcpPort,
                            "127.0.0.1:" + carrier.localAddress().getPort(),
                            List.of("--key", KEY, "--conn", "1"));
                    Socket tcp = connectWithRetry(tcpPort)) {
                try {
                    KcpSession session = listener.accept();
                    DataInputStream raw = new DataInputStream(session.inputStream());
                    byte[] identifier = new byte[SnappyFraming.STREAM_IDENTIFIER.length];
                    OutputStream toKcptun = tcp.getOutputStream();
                    toKcptun.write(random);
                    toKcptun.flush();
                    raw.readFully(identifier);
                    assertThat(identifier).as("kcptun's stream identifier").isEqualTo(SnappyFraming.STREAM_IDENTIFIER);
                    List<Chunk> chunks = new ArrayList<>();
                    ByteArrayOutputStream pushed = new ByteArrayOutputStream();
                    readUntil(raw, chunks, pushed, random.length);
                    // the second write only after the first arrived, so that kcptun frames them apart
                    toKcptun.write(text);
                    toKcptun.flush();
                    readUntil(raw, chunks, pushed, random.length + text.length);

                    ByteArrayOutputStream expected = new ByteArrayOutputStream();
                    expected.write(identifier);
                    ByteArrayOutputStream ours = new ByteArrayOutputStream();
                    try (SnappyFrameOutputStream writer = new SnappyFrameOutputStream(ours)) {
                        for (Chunk chunk : chunks) {
                            expected.write(chunk.raw());
                            writer.write(chunk.decoded());
                        }
                    }
                    assertThat(chunks).extracting(Chunk::type).contains(0x00, 0x01);
                    assertThat(ours.toByteArray()).isEqualTo(expected.toByteArray());
                    byte[] sent = new byte[random.length + text.length];
                    System.arraycopy(random, 0, sent, 0, random.length);
                    System.arraycopy(text, 0, sent, random.length, text.length);
                    assertThat(pushed.toByteArray()).isEqualTo(sent);
                    session.close();
                } catch (Exception | AssertionError e) {
                    throw kcptun.failure("reading kcptun-client's snappy stream", e);
                }
            }
        }
    }

    /** Reads chunks until the smux PSH payloads decoded so far add up to {@code total} bytes. */
    private static void readUntil(DataInputStream raw, List<Chunk> chunks, ByteArrayOutputStream pushed, int total)
            throws IOException {
        while (pushed.size() < total) {
            byte[] header = new byte[SnappyFraming.HEADER_BYTES];
            raw.readFully(header);
            int length = (header[1] & 0xff) | (header[2] & 0xff) << 8 | (header[3] & 0xff) << 16;
            byte[] chunk = new byte[header.length + length];
            System.arraycopy(header, 0, chunk, 0, header.length);
            raw.readFully(chunk, header.length, length);
            byte[] decoded = decode(chunk);
            chunks.add(new Chunk(header[0] & 0xff, chunk, decoded));
            // kcptun writes whole smux frames, one per chunk
            for (int at = 0; at < decoded.length; ) {
                int cmd = decoded[at + 1];
                int len = (decoded[at + 2] & 0xff) | (decoded[at + 3] & 0xff) << 8;
                if (cmd == SMUX_PSH) {
                    pushed.write(decoded, at + SMUX_HEADER, len);
                }
                at += SMUX_HEADER + len;
            }
        }
    }

    private static byte[] decode(byte[] chunk) throws IOException {
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(SnappyFraming.STREAM_IDENTIFIER);
        framed.write(chunk);
        try (InputStream in = new SnappyFrameInputStream(new ByteArrayInputStream(framed.toByteArray()))) {
            return in.readAllBytes();
        }
    }

    private static Socket connectWithRetry(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return new Socket(LOOPBACK, port);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
