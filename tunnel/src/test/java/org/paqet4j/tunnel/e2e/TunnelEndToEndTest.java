package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.forward.UdpForward;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.socks.Socks5Codec;
import org.paqet4j.tunnel.socks.Socks5Server;
import org.paqet4j.tunnel.testing.EchoServers;

/**
 * curl through SOCKS5 and a TCP forward to python's http.server, UDP echo through a UDP forward
 * and SOCKS5 UDP ASSOCIATE, over smux on loopback sockets and over the full KCP + UDP stack.
 */
class TunnelEndToEndTest {

    private static final InetAddress LOOPBACK = TunnelHarness.LOOPBACK;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(LOOPBACK, 0);

    @TempDir
    Path dir;

    interface Transport {
        TunnelHarness open() throws IOException;
    }

    static Stream<Arguments> transports() {
        return Stream.of(
                Arguments.of("smux over TCP", (Transport) () -> TunnelHarness.overSockets(2)),
                Arguments.of(
                        "KCP aes-128-gcm over UDP", (Transport) () -> TunnelHarness.overKcp("aes-128-gcm", false, 2)),
                Arguments.of(
                        "KCP aes + packet guard over UDP", (Transport) () -> TunnelHarness.overKcp("aes", true, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void curlDownloadsThroughSocks5AndATcpForward(String name, Transport transport) throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                TunnelHarness tunnel = transport.open();
                Socks5Server socks =
                        Socks5Server.start(ANY_LOOPBACK, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
                TcpForward forward =
                        TcpForward.start(ANY_LOOPBACK, new Target("127.0.0.1", http.port), tunnel.client)) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            String sha = http.generate("big.bin", 16 << 20, 1);

            Path viaSocks = dir.resolve("via-socks.bin");
            assertThat(LocalHttpServer.curl(
                            dir.resolve("curl-socks.log"),
                            "--socks5-hostname",
                            "127.0.0.1:" + socks.localAddress().getPort(),
                            "-o",
                            viaSocks.toString(),
                            "http://localhost:" + http.port + "/big.bin"))
                    .as(Files.readString(dir.resolve("curl-socks.log")))
                    .isZero();
            assertThat(LocalHttpServer.sha256(viaSocks)).isEqualTo(sha);

            Path viaForward = dir.resolve("via-forward.bin");
            assertThat(LocalHttpServer.curl(
                            dir.resolve("curl-forward.log"),
                            "-o",
                            viaForward.toString(),
                            "http://127.0.0.1:" + forward.localAddress().getPort() + "/big.bin"))
                    .isZero();
            assertThat(LocalHttpServer.sha256(viaForward)).isEqualTo(sha);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void twentyParallelDownloads(String name, Transport transport) throws Exception {
        Path www = Files.createDirectory(dir.resolve("www"));
        try (LocalHttpServer http = new LocalHttpServer(www);
                TunnelHarness tunnel = transport.open();
                Socks5Server socks =
                        Socks5Server.start(ANY_LOOPBACK, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            List<String> shas = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                shas.add(http.generate("f" + i, (1 << 20) + i * 997, 100 + i));
            }
            List<Future<String>> downloads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                downloads.add(pool.submit((Callable<String>) () -> {
                    Path out = dir.resolve("out" + n);
                    int exit = LocalHttpServer.curl(
                            dir.resolve("curl" + n + ".log"),
                            "--socks5-hostname",
                            "127.0.0.1:" + socks.localAddress().getPort(),
                            "-o",
                            out.toString(),
                            "http://localhost:" + http.port + "/f" + n);
                    return exit == 0 ? LocalHttpServer.sha256(out) : "curl exit " + exit;
                }));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(downloads.get(i).get()).as("download %d", i).isEqualTo(shas.get(i));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void udpDatagramsCrossAUdpForwardIntactAndUnsplit(String name, Transport transport) throws Exception {
        try (EchoServers echo = new EchoServers();
                TunnelHarness tunnel = transport.open();
                UdpForward forward = UdpForward.start(
                        ANY_LOOPBACK,
                        new Target("127.0.0.1", echo.udpPort()),
                        tunnel.client,
                        Duration.ofSeconds(30),
                        64);
                DatagramSocket udp = new DatagramSocket(ANY_LOOPBACK)) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            udp.setSoTimeout(5000);
            Random random = new Random(42);
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < 2000; i++) {
                byte[] datagram = new byte[1 + random.nextInt(1200)];
                random.nextBytes(datagram);
                udp.send(new DatagramPacket(datagram, datagram.length, forward.localAddress()));
                udp.receive(reply);
                assertThat(Arrays.copyOf(reply.getData(), reply.getLength()))
                        .as("datagram %d", i)
                        .isEqualTo(datagram);
            }
            assertThat(forward.sessionCount()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void udpDatagramsCrossSocks5UdpAssociateIntactAndUnsplit(String name, Transport transport) throws Exception {
        try (EchoServers echo = new EchoServers();
                TunnelHarness tunnel = transport.open();
                Socks5Server socks =
                        Socks5Server.start(ANY_LOOPBACK, tunnel.client, Optional.empty(), Duration.ofSeconds(5), 64);
                Socket control = new Socket(LOOPBACK, socks.localAddress().getPort());
                DatagramSocket udp = new DatagramSocket(ANY_LOOPBACK)) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            control.setSoTimeout(5000);
            control.getOutputStream().write(HexFormat.of().parseHex("050100" + "05030001" + "00000000" + "0000"));
            byte[] replies = new byte[12];
            new DataInputStream(control.getInputStream()).readFully(replies);
            assertThat(replies[3]).isZero();
            InetSocketAddress relay = new InetSocketAddress(
                    InetAddress.getByAddress(Arrays.copyOfRange(replies, 6, 10)),
                    ((replies[10] & 0xFF) << 8) | (replies[11] & 0xFF));
            byte[] header = Socks5Codec.datagramHeader(new Target("127.0.0.1", echo.udpPort()));

            udp.setSoTimeout(5000);
            Random random = new Random(7);
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < 2000; i++) {
                byte[] datagram = new byte[header.length + 1 + random.nextInt(1200)];
                System.arraycopy(header, 0, datagram, 0, header.length);
                for (int b = header.length; b < datagram.length; b++) {
                    datagram[b] = (byte) random.nextInt();
                }
                udp.send(new DatagramPacket(datagram, datagram.length, relay));
                udp.receive(reply);
                assertThat(Arrays.copyOf(reply.getData(), reply.getLength()))
                        .as("datagram %d", i)
                        .isEqualTo(datagram);
            }
        }
    }
}
