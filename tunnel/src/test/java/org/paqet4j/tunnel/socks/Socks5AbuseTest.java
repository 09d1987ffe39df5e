package org.paqet4j.tunnel.socks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.testing.EchoOpener;

/**
 * Attacks by whoever can reach a SOCKS5 port: UDP ASSOCIATE as a reflector towards a third
 * party, password guessing at full speed, and UDP associations held open to pin resources.
 */
class Socks5AbuseTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** A second loopback address standing in for a third party (Linux routes all of 127/8 to lo). */
    private static final InetAddress VICTIM = loopback2();

    private final EchoOpener tunnel = new EchoOpener();
    private Socks5Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static InetAddress loopback2() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void start(Optional<Credentials> credentials, ListenerLimits limits) throws IOException {
        server = Socks5Server.start(
                new InetSocketAddress(LOOPBACK, 0), tunnel, credentials, Duration.ofSeconds(5), 4, limits);
    }

    private static byte[] read(Socket socket, int n) throws IOException {
        byte[] bytes = new byte[n];
        new DataInputStream(socket.getInputStream()).readFully(bytes);
        return bytes;
    }

    /** Sends UDP ASSOCIATE declaring {@code declared}; returns the relay address from the reply. */
    private static InetSocketAddress associate(Socket control, InetSocketAddress declared) throws IOException {
        byte[] addr = declared.getAddress().getAddress();
        control.getOutputStream()
                .write(HEX.parseHex(
                        "050100" + "05030001" + HEX.formatHex(addr) + String.format("%04x", declared.getPort())));
        assertThat(read(control, 2)).containsExactly(5, 0);
        byte[] reply = read(control, 10);
        assertThat(reply[1]).as("UDP ASSOCIATE reply").isEqualTo((byte) Socks5.REP_SUCCEEDED);
        return new InetSocketAddress(
                InetAddress.getByAddress(Arrays.copyOfRange(reply, 4, 8)),
                ((reply[8] & 0xFF) << 8) | (reply[9] & 0xFF));
    }

    private static byte[] datagram(int payload) {
        return HEX.parseHex("000000017f000001" + "0035" + String.format("%02x", payload));
    }

    @Test
    void udpRepliesNeverGoToTheAddressTheRequestDeclaredOnlyToWhereTheClientSendsFrom() throws Exception {
        start(Optional.empty(), ListenerLimits.defaults(1));
        try (DatagramSocket victim = new DatagramSocket(new InetSocketAddress(VICTIM, 0));
                DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(LOOPBACK, victim.getLocalPort()));
                Socket control = new Socket(LOOPBACK, server.localAddress().getPort())) {
            control.setSoTimeout(5000);
            victim.setSoTimeout(300);
            attacker.setSoTimeout(5000);
            // Declares the victim's address; sends from its own address with the victim's port.
            InetSocketAddress relay = associate(control, (InetSocketAddress) victim.getLocalSocketAddress());
            for (int i = 0; i < 20; i++) {
                byte[] d = datagram(i);
                attacker.send(new DatagramPacket(d, d.length, relay));
                DatagramPacket back = new DatagramPacket(new byte[64], 64);
                attacker.receive(back);
                assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(d);
            }
            DatagramPacket reflected = new DatagramPacket(new byte[64], 64);
            Assertions.assertThatThrownBy(() -> victim.receive(reflected))
                    .as("the declared third party receives nothing")
                    .isInstanceOf(SocketTimeoutException.class);
            // Datagrams from the declared address itself are not the client's either.
            byte[] d = datagram(99);
            victim.send(new DatagramPacket(d, d.length, relay));
            Thread.sleep(200);
            assertThat(server.counters().udpForeignDropped()).isEqualTo(1);
        }
    }

    @Test
    void aDeclaredPortPinsTheClientsSourcePort() throws Exception {
        start(Optional.empty(), ListenerLimits.defaults(1));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                DatagramSocket other = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                Socket control = new Socket(LOOPBACK, server.localAddress().getPort())) {
            control.setSoTimeout(5000);
            client.setSoTimeout(5000);
            InetSocketAddress relay = associate(control, new InetSocketAddress(LOOPBACK, client.getLocalPort()));
            byte[] d = datagram(1);
            other.send(new DatagramPacket(d, d.length, relay));
            client.send(new DatagramPacket(d, d.length, relay));
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            client.receive(back);
            assertThat(server.counters().udpForeignDropped()).isEqualTo(1);
            assertThat(tunnel.opened).containsExactly("udp 127.0.0.1:53");
        }
    }

    @Test
    void failedPasswordsSlowTheirSourceDownEvenInParallel() throws Exception {
        start(Optional.of(Credentials.of("alice", "secret")), ListenerLimits.defaults(1));
        int attempts = 200;
        int checked;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                int guess = i;
                answers.add(pool.submit(() -> authenticate("alice", "guess" + guess)));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(1);
            }
        }
        checked = (int) (server.counters().authFailures() - server.counters().authThrottled());
        assertThat(server.counters().authFailures()).isEqualTo(attempts);
        System.err.printf("password guessing: %d parallel attempts, %d checked%n", attempts, checked);
        // A burst of 200 parallel guesses gets a handful checked, not 200.
        assertThat(checked).as("guesses actually checked").isLessThanOrEqualTo(5);
        // While its source waits out the failures, even the right password is not checked.
        assertThat(authenticate("alice", "secret")).isEqualTo(1);
    }

    /** Returns the RFC 1929 status byte (0 = success). */
    private int authenticate(String user, String password) throws IOException {
        try (Socket socket = new Socket(LOOPBACK, server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(HEX.parseHex("050102" + "01"
                            + String.format("%02x", user.length()) + HEX.formatHex(user.getBytes())
                            + String.format("%02x", password.length()) + HEX.formatHex(password.getBytes())));
            assertThat(read(socket, 2)).containsExactly(5, 2);
            return read(socket, 2)[1];
        }
    }

    @Test
    void udpAssociationsOverTheCapAreRefusedAndIdleOnesClose() throws Exception {
        start(Optional.empty(), new ListenerLimits(100, 3, Duration.ofMillis(600)));
        List<Socket> controls = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket control = new Socket(LOOPBACK, server.localAddress().getPort());
                control.setSoTimeout(5000);
                associate(control, new InetSocketAddress(LOOPBACK, 0));
                controls.add(control);
            }
            try (Socket fourth = new Socket(LOOPBACK, server.localAddress().getPort())) {
                fourth.setSoTimeout(5000);
                fourth.getOutputStream().write(HEX.parseHex("050100" + "05030001" + "00000000" + "0000"));
                assertThat(read(fourth, 2)).containsExactly(5, 0);
                assertThat(read(fourth, 10)[1]).isEqualTo((byte) Socks5.REP_GENERAL_FAILURE);
            }
            assertThat(server.counters().udpAssociationsRefused()).isEqualTo(1);
            // Nobody sends a datagram: each association closes its control connection after the idle timeout.
            for (Socket control : controls) {
                assertThat(control.getInputStream().read()).isEqualTo(-1);
            }
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while ((server.udpAssociationCount() > 0 || server.connectionCount() > 0) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(server.udpAssociationCount()).isZero();
            assertThat(server.connectionCount()).isZero();
            assertThat(server.counters().udpIdleClosed()).isEqualTo(3);
        } finally {
            for (Socket control : controls) {
                control.close();
            }
        }
        // Room again for a new one.
        try (Socket control = new Socket(LOOPBACK, server.localAddress().getPort());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            control.setSoTimeout(5000);
            udp.setSoTimeout(5000);
            InetSocketAddress relay = associate(control, new InetSocketAddress(LOOPBACK, 0));
            byte[] d = datagram(5);
            udp.send(new DatagramPacket(d, d.length, relay));
            DatagramPacket back = new DatagramPacket(new byte[64], 64);
            udp.receive(back);
            assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(d);
        }
    }

    @Test
    void aDatagramLargerThanTheInitialBufferIsDroppedOnceThenRelayed() throws Exception {
        start(Optional.empty(), ListenerLimits.defaults(1));
        try (Socket control = new Socket(LOOPBACK, server.localAddress().getPort());
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            control.setSoTimeout(5000);
            udp.setSoTimeout(5000);
            InetSocketAddress relay = associate(control, new InetSocketAddress(LOOPBACK, 0));
            byte[] big = Arrays.copyOf(datagram(1), 10_000);
            udp.send(new DatagramPacket(big, big.length, relay));
            udp.send(new DatagramPacket(big, big.length, relay));
            DatagramPacket back = new DatagramPacket(new byte[20_000], 20_000);
            udp.receive(back);
            assertThat(Arrays.copyOf(back.getData(), back.getLength())).isEqualTo(big);
            assertThat(server.counters().udpMalformedDropped()).isEqualTo(1);
        }
    }
}
