package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.runtime.ClientPlan;
import org.paqet4j.tunnel.runtime.ClientRuntime;
import org.paqet4j.tunnel.runtime.ServerRuntime;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.TransportSettings;
import org.paqet4j.tunnel.testing.EchoServers;

/** Client and server runtimes over KCP/UDP: startup lines, and shutdown within its budget with work open. */
class RuntimeShutdownTest {

    private static final InetSocketAddress ANY = new InetSocketAddress(TunnelHarness.LOOPBACK, 0);

    @Test
    void bothEndsShutDownWithinTheirBudgetWhileConnectionsAreOpen() throws Exception {
        byte[] key = KeyDerivation.paqet("runtime test");
        TransportSettings settings = new TransportSettings(
                KcpConfig.defaults(),
                () -> Codecs.create("aes", key, 0, 0),
                MuxConfig.paqetDefaults(),
                Optional.empty());
        KcpEventLoop serverLoop = KcpEventLoop.start("rt-server");
        UdpCarrier serverCarrier = UdpCarrier.bind(ANY, 0);
        KcpListener listener = KcpListener.listen(
                serverLoop, serverCarrier, settings.kcp(), settings.codecs(), 16, Duration.ofMinutes(1));
        TunnelServer tunnelServer = new TunnelServer(
                ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, (peer, masks) -> {});
        ServerRuntime server =
                ServerRuntime.start(tunnelServer, listener, settings, List.of(serverLoop, serverCarrier));
        assertThat(server.startupLine())
                .isEqualTo("server listening on 127.0.0.1:"
                        + serverCarrier.localAddress().getPort());

        KcpEventLoop clientLoop = KcpEventLoop.start("rt-client");
        ClientPlan plan = new ClientPlan(
                ClientOptions.defaults(2, new short[] {TcpFlags.parse("PA")}),
                List.of(new ClientPlan.Socks(ANY, Optional.empty())),
                List.of(new ClientPlan.Forward(ANY, new Target("127.0.0.1", 9), false)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(60),
                64,
                false);
        try (EchoServers echo = new EchoServers()) {
            ClientRuntime client = ClientRuntime.start(
                    plan,
                    new KcpSessionDialer(
                            clientLoop, slot -> UdpCarrier.bind(ANY, 0), serverCarrier.localAddress(), settings),
                    List.of(clientLoop));
            assertThat(client.startupLines()).hasSize(2);
            assertThat(client.startupLines().get(0)).startsWith("SOCKS5 listening on 127.0.0.1:");
            assertThat(client.startupLines().get(1)).matches("TCP forward 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:9");
            assertThat(client.client().awaitConnected(Duration.ofSeconds(10))).isTrue();
            int socksPort = Integer.parseInt(client.startupLines().get(0).replaceAll(".*:", ""));

            // An open CONNECT that never ends by itself.
            Socket open = new Socket(TunnelHarness.LOOPBACK, socksPort);
            open.setSoTimeout(5000);
            open.getOutputStream()
                    .write(HexFormat.of()
                            .parseHex("050100" + "050100017f000001" + String.format("%04x", echo.tcpPort())));
            open.getInputStream().readNBytes(12);
            open.getOutputStream().write(1);
            assertThat(open.getInputStream().read()).isEqualTo(1);

            long start = System.nanoTime();
            assertThat(client.shutdown(Duration.ofSeconds(1)))
                    .as("the open connection was cut")
                    .isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(open.getInputStream().read()).isEqualTo(-1);
            assertThatThrownBy(() -> new Socket(TunnelHarness.LOOPBACK, socksPort).close())
                    .isInstanceOf(IOException.class);
            open.close();

            start = System.nanoTime();
            server.shutdown(Duration.ofSeconds(1));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(tunnelServer.counters().activeSessions()).isZero();
        }
    }
}
