package org.paqet4j.tunnel.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.client.SessionDialer;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.guard.GuardKey;
import org.paqet4j.tunnel.guard.GuardedCarrier;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionAcceptor;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.MuxTunnelSession;
import org.paqet4j.tunnel.session.TransportSettings;

/** A tunnel client and server on loopback, joined either by smux over TCP sockets or by the full KCP + UDP stack. */
final class TunnelHarness implements AutoCloseable {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] KEY = KeyDerivation.paqet("paqet4j tunnel test key");

    final TunnelServer server =
            new TunnelServer(ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, (peer, masks) -> {});
    final TunnelClient client;
    private final List<AutoCloseable> resources = new ArrayList<>();

    private TunnelHarness(SessionDialer dialer, int connections) {
        client = new TunnelClient(
                new ClientOptions(
                        connections,
                        new short[] {TcpFlags.parse("PA")},
                        Duration.ofMillis(100),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofMillis(1500),
                        Duration.ofSeconds(10)),
                dialer);
    }

    /** smux sessions over loopback TCP sockets: the tunnel logic without KCP. */
    static TunnelHarness overSockets(int connections) throws IOException {
        ServerSocket listener = new ServerSocket(0, 16, LOOPBACK);
        InetSocketAddress address = (InetSocketAddress) listener.getLocalSocketAddress();
        TunnelHarness harness = new TunnelHarness(
                slot -> {
                    Socket socket = new Socket(LOOPBACK, address.getPort());
                    return new MuxTunnelSession(
                            MuxSession.client(
                                    new MuxTransport(socket.getInputStream(), socket.getOutputStream(), socket),
                                    MuxConfig.paqetDefaults()),
                            address);
                },
                connections);
        harness.resources.add(listener);
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    harness.server.serve(new MuxTunnelSession(
                            MuxSession.server(
                                    new MuxTransport(socket.getInputStream(), socket.getOutputStream(), socket),
                                    MuxConfig.paqetDefaults()),
                            (InetSocketAddress) socket.getRemoteSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        harness.client.start();
        return harness;
    }

    /** The whole stack: smux over KCP over kcp-go framing over UDP carriers on loopback. */
    static TunnelHarness overKcp(String cipher, boolean guard, int connections) throws IOException {
        Optional<GuardKey> guardKey = guard
                ? Optional.of(new GuardKey(
                        GuardKey.deriveKey("guard"),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1),
                        System::currentTimeMillis)) // one clock: a short skew, a short start-up wait
                : Optional.empty();
        KcpConfig kcp = KcpConfig.defaults().withMtu(guard ? 1350 - GuardedCarrier.OVERHEAD : 1350);
        TransportSettings settings =
                new TransportSettings(kcp, () -> Codecs.create(cipher, KEY, 0, 0), MuxConfig.paqetDefaults(), guardKey);
        KcpEventLoop serverLoop = KcpEventLoop.start("test-kcp-server");
        KcpEventLoop clientLoop = KcpEventLoop.start("test-kcp-client");
        KcpServerSide side = new KcpServerSide(serverLoop, settings, 0);
        TunnelHarness harness = new TunnelHarness(
                new KcpSessionDialer(
                        clientLoop,
                        slot -> UdpCarrier.bind(new InetSocketAddress(LOOPBACK, 0), 8 << 20),
                        side.address(),
                        settings),
                connections);
        side.start(harness.server);
        harness.kcpServer = side;
        // Closed in this order after client and server: the server side (listener, carrier), loops.
        harness.resources.add(() -> harness.kcpServer.close());
        harness.resources.add(clientLoop);
        harness.resources.add(serverLoop);
        harness.client.start();
        return harness;
    }

    private KcpServerSide kcpServer;

    /** Kills the KCP server side (listener, its sessions, the carrier) without telling the client. */
    void killServer() {
        kcpServer.close();
    }

    /** Starts a new KCP server side on the same port, as a restarted server process would. */
    void restartServer() throws IOException {
        kcpServer = kcpServer.restart(server);
    }

    /** The KCP listener, its acceptor and its carrier: what a server process owns. */
    private static final class KcpServerSide implements AutoCloseable {
        private final KcpEventLoop loop;
        private final TransportSettings settings;
        private final PacketCarrier carrier;
        private KcpSessionAcceptor acceptor;

        KcpServerSide(KcpEventLoop loop, TransportSettings settings, int port) throws IOException {
            this.loop = loop;
            this.settings = settings;
            UdpCarrier raw = UdpCarrier.bind(new InetSocketAddress(LOOPBACK, port), 8 << 20);
            this.carrier = settings.guard()
                    .<PacketCarrier>map(c -> GuardedCarrier.listening(raw, c))
                    .orElse(raw);
        }

        InetSocketAddress address() {
            return carrier.localAddress();
        }

        void start(TunnelServer server) {
            KcpListener listener =
                    KcpListener.listen(loop, carrier, settings.kcp(), settings.codecs(), 64, Duration.ofMinutes(1));
            acceptor = new KcpSessionAcceptor(listener, server, settings);
        }

        KcpServerSide restart(TunnelServer server) throws IOException {
            KcpServerSide next = new KcpServerSide(loop, settings, address().getPort());
            next.start(server);
            return next;
        }

        @Override
        public void close() {
            acceptor.close();
            carrier.close();
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
