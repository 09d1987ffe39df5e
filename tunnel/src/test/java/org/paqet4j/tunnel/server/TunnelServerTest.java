package org.paqet4j.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.PeerFlags;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRule;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderReader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.testing.EchoServers;
import org.paqet4j.tunnel.testing.MemorySession;

class TunnelServerTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.18.0.2", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 9999);

    private final Map<InetSocketAddress, short[]> flags = new ConcurrentHashMap<>();
    private final PeerFlags peerFlags = new PeerFlags() {
        @Override
        public void set(InetSocketAddress peer, short[] masks) {
            flags.put(peer, masks);
        }

        @Override
        public void clear(InetSocketAddress peer) {
            flags.remove(peer);
        }
    };
    private final HostResolver resolver = host -> switch (host) {
        case "metadata.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
        case "zero.test" -> new InetAddress[] {InetAddress.getByName("0.0.0.0")};
        case "mixed.test" ->
            new InetAddress[] {InetAddress.getByName("169.254.169.254"), InetAddress.getLoopbackAddress()};
        default -> InetAddress.getAllByName(host);
    };
    private TunnelServer server;
    private EchoServers echo;
    private AccessRules rules = AccessRules.defaults();

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    private MemorySession connect(ServerLimits limits) {
        if (server == null) {
            server = new TunnelServer(limits, rules, resolver, peerFlags);
        }
        MemorySession[] pair = MemorySession.pair(CLIENT, SERVER);
        server.serve(pair[1]);
        return pair[0];
    }

    private static ServerLimits limits() {
        return new ServerLimits(4, 8, 16, Duration.ofMillis(300), Duration.ofSeconds(2));
    }

    private static TunnelStream open(MemorySession session, StreamHeader header) throws IOException {
        TunnelStream stream = session.openStream();
        StreamHeaderWriter.write(header, stream.outputStream());
        return stream;
    }

    @Test
    void answersPingWithPong() throws IOException {
        MemorySession session = connect(limits());
        try (TunnelStream stream = open(session, new StreamHeader.Ping())) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            assertThat(StreamHeaderReader.read(stream.inputStream())).isEqualTo(new StreamHeader.Pong());
            assertThat(stream.inputStream().read()).isEqualTo(-1);
        }
        assertThat(server.counters().pings()).isEqualTo(1);
    }

    @Test
    void storesTheClientsTcpFlagsForItsCarrierAddress() throws Exception {
        MemorySession session = connect(limits());
        short[] masks = {TcpFlags.parse("PA"), TcpFlags.parse("A")};
        open(session, new StreamHeader.Tcpf(masks)).close();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!flags.containsKey(CLIENT) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(flags.get(CLIENT)).containsExactly(masks);

        // An empty TCPF makes the server forget them, as paqet does; so does the end of the session.
        open(session, new StreamHeader.Tcpf(new short[0])).close();
        end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (flags.containsKey(CLIENT) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(flags).doesNotContainKey(CLIENT);
        open(session, new StreamHeader.Tcpf(masks)).close();
        end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!flags.containsKey(CLIENT) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        session.close();
        end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (flags.containsKey(CLIENT) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(flags).doesNotContainKey(CLIENT);
    }

    @Test
    void closesAStreamWithoutHeaderAtTheDeadline() throws IOException {
        MemorySession session = connect(limits());
        try (TunnelStream stream = session.openStream()) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            long start = System.nanoTime();
            assertThat(stream.inputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
        assertThat(server.counters().headerErrors()).isEqualTo(1);
    }

    @Test
    void headerTimeoutBoundsTheWholeHeaderNotEachRead() throws Exception {
        MemorySession session = connect(limits());
        byte[] ping = new byte[5];
        StreamHeaderWriter.write(new StreamHeader.Ping(), new OutputStream() {
            int at;

            @Override
            public void write(int b) {
                ping[at++] = (byte) b;
            }
        });
        try (TunnelStream stream = session.openStream()) {
            // A byte every 150 ms: each read is well within the 300 ms header timeout, the header is not.
            for (byte b : ping) {
                stream.outputStream().write(b);
                stream.outputStream().flush();
                Thread.sleep(150);
            }
            stream.setReadTimeout(Duration.ofSeconds(5));
            assertThat(stream.inputStream().read()).isEqualTo(-1);
        }
        assertThat(server.counters().headerErrors()).isEqualTo(1);
        assertThat(server.counters().pings()).isZero();
    }

    @Test
    void closesAStreamWithABadHeader() throws IOException {
        MemorySession session = connect(limits());
        try (TunnelStream stream = session.openStream()) {
            stream.outputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            stream.setReadTimeout(Duration.ofSeconds(5));
            assertThat(stream.inputStream().read()).isEqualTo(-1);
        }
        assertThat(server.counters().headerErrors()).isEqualTo(1);
    }

    @Test
    void relaysTcpWithHalfClose() throws IOException {
        echo = new EchoServers();
        MemorySession session = connect(limits());
        try (TunnelStream stream = open(session, new StreamHeader.Tcp(new Target("127.0.0.1", echo.tcpPort())))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            byte[] payload = new byte[200_000];
            new Random(1).nextBytes(payload);
            stream.outputStream().write(payload);
            stream.closeWrite();
            // The echo server only closes after our FIN reached it as a shutdownOutput.
            assertThat(stream.inputStream().readAllBytes()).isEqualTo(payload);
        }
        assertThat(server.counters().tcpStreams()).isEqualTo(1);
        assertThat(server.counters().dialsOk()).isEqualTo(1);
    }

    @Test
    void relaysUdpOneDatagramPerMessage() throws IOException {
        echo = new EchoServers();
        MemorySession session = connect(limits());
        try (TunnelStream stream = open(session, new StreamHeader.Udp(new Target("localhost", echo.udpPort())))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            byte[] buf = new byte[2000];
            for (int size : List.of(1, 1200, 37, 1)) {
                byte[] datagram = new byte[size];
                Arrays.fill(datagram, (byte) size);
                stream.writeMessage(datagram, 0, size);
                int n = stream.readMessage(buf, 0);
                assertThat(Arrays.copyOf(buf, n)).isEqualTo(datagram);
            }
        }
    }

    @Test
    void aDatagramTheTargetSocketRefusesIsDroppedNotTheWholeUdpStream() throws IOException {
        echo = new EchoServers();
        MemorySession session = connect(limits());
        try (TunnelStream stream = open(session, new StreamHeader.Udp(new Target("127.0.0.1", echo.udpPort())))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            // Fits an smux frame, not an IPv4 UDP datagram (65507 bytes): the send fails with EMSGSIZE.
            byte[] tooLarge = new byte[65_520];
            stream.writeMessage(tooLarge, 0, tooLarge.length);
            byte[] datagram = {1, 2, 3};
            stream.writeMessage(datagram, 0, datagram.length);
            byte[] buf = new byte[100];
            int n = stream.readMessage(buf, 0);
            assertThat(Arrays.copyOf(buf, Math.max(n, 0))).isEqualTo(datagram);
        }
        assertThat(server.counters().udpDropped()).isEqualTo(1);
    }

    @Test
    void deniesMetadataTargetsAfterResolutionAndDialsAllowedAddressesOnly() throws IOException {
        echo = new EchoServers();
        MemorySession session = connect(limits());
        try (TunnelStream stream = open(session, new StreamHeader.Tcp(new Target("metadata.test", 80)))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            assertThat(stream.inputStream().read()).isEqualTo(-1);
        }
        assertThat(server.counters().deniedTargets()).isEqualTo(1);
        try (TunnelStream stream = open(session, new StreamHeader.Tcp(new Target("mixed.test", echo.tcpPort())))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            stream.outputStream().write(42);
            assertThat(stream.inputStream().read()).isEqualTo(42);
        }
        assertThat(server.counters().deniedTargets()).isEqualTo(1);
    }

    @Test
    void unspecifiedTargetsCannotReachLoopbackPastADenyRule() throws IOException {
        echo = new EchoServers();
        rules = new AccessRules(List.of(), List.of(AccessRule.of("127.0.0.0/8"), AccessRule.of("::1")));
        MemorySession session = connect(limits());
        // Each of these reaches the loopback echo servers when the address is taken at face value.
        List<String> hosts =
                List.of("0.0.0.0", "::", "0", "zero.test", "::ffff:0.0.0.0", "0.1.2.3", "::ffff:127.0.0.1");
        for (String host : hosts) {
            try (TunnelStream tcp = open(session, new StreamHeader.Tcp(new Target(host, echo.tcpPort())))) {
                tcp.setReadTimeout(Duration.ofSeconds(5));
                tcp.outputStream().write(42);
                assertThat(tcp.inputStream().read()).as("TCP via %s", host).isEqualTo(-1);
            }
            try (TunnelStream udp = open(session, new StreamHeader.Udp(new Target(host, echo.udpPort())))) {
                udp.setReadTimeout(Duration.ofSeconds(5));
                udp.writeMessage(new byte[] {42}, 0, 1);
                assertThat(udp.readMessage(new byte[16], 0))
                        .as("UDP via %s", host)
                        .isEqualTo(-1);
            }
        }
        assertThat(server.counters().deniedTargets()).isEqualTo(2L * hosts.size());
        assertThat(server.counters().dialFailures()).isZero();
    }

    @Test
    void unspecifiedAddressesAreDeniedEvenWhenEverythingIsAllowed() throws IOException {
        TargetDialer dialer = new TargetDialer(AccessRules.allowAll(), resolver, Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dialer.dialTcp(new Target("0.0.0.0", 80)))
                .isInstanceOf(TargetDeniedException.class)
                .hasMessage(
                        "target 0.0.0.0:80 denied: 0.0.0.0 is an unspecified address (it means this host), never a target");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dialer.dialUdp(new Target("::", 53)))
                .isInstanceOf(TargetDeniedException.class)
                .hasMessageContaining("is an unspecified address");
    }

    @Test
    void dialFailuresNameTheTargetAndTheReasonInWords() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        TargetDialer dialer = new TargetDialer(
                AccessRules.defaults(),
                host -> switch (host) {
                    case "nowhere.test" -> throw new java.net.UnknownHostException(host);
                    default -> InetAddress.getAllByName(host);
                },
                Duration.ofSeconds(1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dialer.dialTcp(new Target("127.0.0.1", closedPort)))
                .hasMessage("TCP 127.0.0.1:" + closedPort + " at 127.0.0.1: Connection refused");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dialer.dialTcp(new Target("nowhere.test", 80)))
                .hasMessage("resolving nowhere.test:80: host not found");
        // What the JDK renders when the local host name does not resolve and its messages are filtered.
        assertThat(FailureReason.of(new UnknownHostException(
                        "jdk.internal.util.Exceptions$NonSocketInfo@1b2c3d: Name or service not known")))
                .isEqualTo("host not found");
        assertThat(FailureReason.of(new java.net.ConnectException("jdk.internal.util.Exceptions$NonSocketInfo@1b2c3d")))
                .isEqualTo("connection refused");
        assertThat(FailureReason.of(new java.net.PortUnreachableException())).isEqualTo("port unreachable");
    }

    @Test
    void drainKeepsOpenSessionsAliveWhenNewStreamsArrive() throws Exception {
        echo = new EchoServers();
        MemorySession session = connect(limits());
        try (TunnelStream relay = open(session, new StreamHeader.Tcp(new Target("127.0.0.1", echo.tcpPort())))) {
            relay.setReadTimeout(Duration.ofSeconds(5));
            relay.outputStream().write(1);
            assertThat(relay.inputStream().read()).isEqualTo(1);

            server.stopAccepting();
            // The client's health PING keeps coming while the server drains: it is still answered...
            try (TunnelStream ping = open(session, new StreamHeader.Ping())) {
                ping.setReadTimeout(Duration.ofSeconds(5));
                assertThat(StreamHeaderReader.read(ping.inputStream())).isEqualTo(new StreamHeader.Pong());
            }
            // ...a new TCP stream is refused...
            try (TunnelStream late = open(session, new StreamHeader.Tcp(new Target("127.0.0.1", echo.tcpPort())))) {
                late.setReadTimeout(Duration.ofSeconds(5));
                late.outputStream().write(3);
                assertThat(late.inputStream().read()).isEqualTo(-1);
            }
            // ...and the stream that was open goes on: draining must not close its session.
            relay.outputStream().write(2);
            assertThat(relay.inputStream().read()).isEqualTo(2);
            assertThat(session.isClosed()).isFalse();
        }
        assertThat(server.counters().rejectedStreams()).isEqualTo(1);
    }

    @Test
    void dialTimeoutBoundsTheWholeDialNotEachAddress() throws Exception {
        // A listener whose accept queue is full drops SYNs: connecting to it hangs until the timeout.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (IOException e) {
                        s.close();
                        break;
                    }
                }
                InetAddress loopback = InetAddress.getLoopbackAddress();
                TargetDialer dialer = new TargetDialer(
                        AccessRules.defaults(),
                        host -> new InetAddress[] {loopback, loopback, loopback, loopback, loopback, loopback},
                        Duration.ofMillis(400));
                long start = System.nanoTime();
                Assertions.assertThatThrownBy(() -> dialer.dialTcp(new Target("many.test", full.getLocalPort())))
                        .isInstanceOf(IOException.class);
                // Six addresses at 400 ms each would be 2.4 s; the whole dial gets 400 ms.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void countsDialFailures() throws IOException {
        MemorySession session = connect(limits());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (TunnelStream stream = open(session, new StreamHeader.Tcp(new Target("127.0.0.1", closedPort)))) {
            stream.setReadTimeout(Duration.ofSeconds(5));
            assertThat(stream.inputStream().read()).isEqualTo(-1);
        }
        assertThat(server.counters().dialFailures()).isEqualTo(1);
        assertThat(server.counters().dialTimeouts())
                .as("refused, not timed out")
                .isZero();
        assertThat(server.counters().dialsOk()).isZero();
    }

    @Test
    void enforcesStreamAndSessionLimits() throws Exception {
        ServerLimits tight = new ServerLimits(1, 2, 16, Duration.ofSeconds(5), Duration.ofSeconds(2));
        MemorySession session = connect(tight);
        TunnelStream a = session.openStream();
        TunnelStream b = session.openStream();
        TunnelStream c = session.openStream();
        c.setReadTimeout(Duration.ofSeconds(5));
        assertThat(c.inputStream().read()).isEqualTo(-1);
        assertThat(server.counters().rejectedStreams()).isEqualTo(1);
        a.close();
        b.close();

        MemorySession second = connect(tight);
        assertThat(second.isClosed()).isTrue();
        assertThat(server.counters().rejectedSessions()).isEqualTo(1);
        session.close();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.counters().activeSessions() > 0 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(server.counters().activeSessions()).isZero();
        assertThat(connect(tight).isClosed()).isFalse();
    }
}
