package org.paqet4j.tunnel.socks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.testing.EchoOpener;
import org.paqet4j.tunnel.testing.OversizedReplyOpener;

class Socks5ServerTest {

    private static final HexFormat HEX = HexFormat.of();
    private final EchoOpener tunnel = new EchoOpener();
    private Socks5Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Socket start(Optional<Credentials> credentials) throws IOException {
        server = Socks5Server.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                tunnel,
                credentials,
                Duration.ofMillis(500),
                4);
        Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static byte[] read(Socket socket, int n) throws IOException {
        byte[] bytes = new byte[n];
        new DataInputStream(socket.getInputStream()).readFully(bytes);
        return bytes;
    }

    @Test
    void connectWithoutAuthRelaysBothWaysAndKeepsDomainsUnresolved() throws IOException {
        try (Socket socket = start(Optional.empty())) {
            OutputStream out = socket.getOutputStream();
            out.write(HEX.parseHex("050100"));
            assertThat(read(socket, 2)).containsExactly(5, 0);
            out.write(HEX.parseHex("05010003" + "0b" + HEX.formatHex("example.com".getBytes()) + "01bb"));
            byte[] reply = read(socket, 10);
            assertThat(reply[1]).isEqualTo((byte) Socks5.REP_SUCCEEDED);
            assertThat(reply[3]).isEqualTo((byte) Socks5.ATYP_IPV4);
            out.write("hello through the tunnel".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(read(socket, 24), StandardCharsets.US_ASCII)).isEqualTo("hello through the tunnel");
            // counted before the relay starts, so certainly by the time data came back
            assertThat(server.counters().handshakesOk()).isEqualTo(1);
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(tunnel.opened).containsExactly("tcp example.com:443");
    }

    @Test
    void connectIpv6KeepsTheLiteral() throws IOException {
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream()
                    .write(HEX.parseHex("050100" + "05010004" + "20010db8000000000000000000000001" + "0035"));
            assertThat(read(socket, 2)).containsExactly(5, 0);
            assertThat(read(socket, 10)[1]).isEqualTo((byte) 0);
        }
        assertThat(tunnel.opened).containsExactly("tcp [2001:db8::1]:53");
    }

    @Test
    void usernamePasswordIsRequiredWhenConfigured() throws Exception {
        Optional<Credentials> creds = Optional.of(Credentials.of("alice", "secret"));
        try (Socket socket = start(creds)) {
            socket.getOutputStream().write(HEX.parseHex("050100"));
            assertThat(read(socket, 2)).containsExactly(5, 0xFF);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(HEX.parseHex("05020002" + "01" + "05" + HEX.formatHex("alice".getBytes()) + "05"
                            + HEX.formatHex("wrong".getBytes())));
            assertThat(read(socket, 2)).containsExactly(5, 2);
            assertThat(read(socket, 2)).containsExactly(1, 1);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        // One wrong password makes this address wait before its next attempt is checked.
        Thread.sleep(AuthThrottle.DEFAULT_BASE.toMillis() + 50);
        try (Socket socket = new Socket(
                InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(HEX.parseHex("050102" + "01" + "05" + HEX.formatHex("alice".getBytes()) + "06"
                            + HEX.formatHex("secret".getBytes()) + "050100017f0000010050"));
            assertThat(read(socket, 2)).containsExactly(5, 2);
            assertThat(read(socket, 2)).containsExactly(1, 0);
            assertThat(read(socket, 10)[1]).isEqualTo((byte) 0);
        }
        assertThat(server.counters().authFailures()).isEqualTo(2);
        assertThat(tunnel.opened).containsExactly("tcp 127.0.0.1:80");
    }

    @Test
    void answersBindWithCommandNotSupported() throws IOException {
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream().write(HEX.parseHex("050100" + "050200017f0000010050"));
            read(socket, 2);
            assertThat(read(socket, 10)[1]).isEqualTo((byte) Socks5.REP_COMMAND_NOT_SUPPORTED);
        }
    }

    @Test
    void answersUnknownAddressTypeWithAddressTypeNotSupported() throws IOException {
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream().write(HEX.parseHex("050100" + "05010009"));
            read(socket, 2);
            assertThat(read(socket, 10)[1]).isEqualTo((byte) Socks5.REP_ADDRESS_TYPE_NOT_SUPPORTED);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void answersGeneralFailureWhenTheTunnelIsDown() throws IOException {
        tunnel.unavailable = true;
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream().write(HEX.parseHex("050100" + "050100017f0000010050"));
            read(socket, 2);
            assertThat(read(socket, 10)[1]).isEqualTo((byte) Socks5.REP_GENERAL_FAILURE);
        }
        assertThat(server.counters().tunnelFailures()).isEqualTo(1);
        assertThat(server.counters().handshakesOk()).isZero();
    }

    @Test
    void closesOnGarbage() throws IOException {
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(tunnel.opened).isEmpty();
    }

    @Test
    void closesAStalledHandshakeAtTheDeadline() throws Exception {
        try (Socket socket = start(Optional.empty())) {
            socket.getOutputStream().write(HEX.parseHex("0501"));
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                b = -1;
            }
            assertThat(b).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        // The client may see the close before the server thread has counted it.
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.counters().handshakeFailures() == 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(server.counters().handshakeFailures()).isEqualTo(1);
    }

    @Test
    void udpAssociateRelaysDatagramsDropsFragmentsAndEndsWithTheControlConnection() throws Exception {
        InetSocketAddress relay;
        try (Socket control = start(Optional.empty());
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(5000);
            control.getOutputStream().write(HEX.parseHex("050100" + "05030001" + "00000000" + "0000"));
            read(control, 2);
            byte[] reply = read(control, 10);
            assertThat(reply[1]).isEqualTo((byte) 0);
            relay = new InetSocketAddress(
                    InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8)),
                    ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF));

            byte[] header = Socks5Codec.datagramHeader(new Target("dns.example", 53));
            for (int i = 0; i < 20; i++) {
                byte[] payload = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
                byte[] datagram = concat(header, payload);
                udp.send(new DatagramPacket(datagram, datagram.length, relay));
                DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
                udp.receive(back);
                assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(datagram);
            }
            byte[] fragment = concat(header, new byte[] {1, 2, 3});
            fragment[2] = 1;
            udp.send(new DatagramPacket(fragment, fragment.length, relay));
            byte[] ipv4 = concat(HEX.parseHex("000000017f0000010035"), new byte[] {9});
            udp.send(new DatagramPacket(ipv4, ipv4.length, relay));
            DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
            udp.receive(back);
            assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(ipv4);
            assertThat(server.counters().udpFragmentsDropped()).isEqualTo(1);
            assertThat(server.counters().udpAssociationsOpened()).isEqualTo(1);
            assertThat(server.counters().handshakesOk()).isEqualTo(1);
        }
        assertThat(tunnel.opened).containsExactly("udp dns.example:53", "udp 127.0.0.1:53");
        // The relay closes with the control connection: it no longer answers.
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.connectionCount() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(server.connectionCount()).isZero();
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout(300);
            byte[] probe = concat(HEX.parseHex("000000017f0000010035"), new byte[] {1});
            udp.send(new DatagramPacket(probe, probe.length, relay));
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            Assertions.assertThatThrownBy(() -> udp.receive(back)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void udpReplyTheRelaySocketRefusesIsDroppedNotTheWholeTargetStream() throws Exception {
        server = Socks5Server.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new OversizedReplyOpener(),
                Optional.empty(),
                Duration.ofMillis(500),
                4);
        try (Socket control = new Socket(
                        InetAddress.getLoopbackAddress(), server.localAddress().getPort());
                DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            control.setSoTimeout(5000);
            udp.setSoTimeout(5000);
            control.getOutputStream().write(HEX.parseHex("050100" + "05030001" + "00000000" + "0000"));
            read(control, 2);
            byte[] reply = read(control, 10);
            InetSocketAddress relay = new InetSocketAddress(
                    InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8)),
                    ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF));
            byte[] header = HEX.parseHex("000000017f0000010035");
            for (int i = 0; i < 2; i++) {
                byte[] datagram = concat(header, new byte[] {(byte) i});
                udp.send(new DatagramPacket(datagram, datagram.length, relay));
                DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
                udp.receive(back);
                assertThat(Arrays.copyOf(back.getData(), back.getLength()))
                        .isEqualTo(concat(header, OversizedReplyOpener.SMALL_REPLY));
            }
        }
        assertThat(server.counters().udpRepliesDropped()).isEqualTo(2);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
