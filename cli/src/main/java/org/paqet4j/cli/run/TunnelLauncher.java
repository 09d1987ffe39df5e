package org.paqet4j.cli.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.cli.BuildInfo;
import org.paqet4j.cli.config.AccessConfig;
import org.paqet4j.cli.config.ForwardConfig;
import org.paqet4j.cli.config.ForwardProtocol;
import org.paqet4j.cli.config.HostPort;
import org.paqet4j.cli.config.LimitsConfig;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Socks5Config;
import org.paqet4j.cli.status.TunnelStatus;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.tunnel.access.AccessRule;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.access.Cidr;
import org.paqet4j.tunnel.access.PortRange;
import org.paqet4j.tunnel.client.ClientOptions;
import org.paqet4j.tunnel.guard.GuardedCarrier;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.runtime.ClientPlan;
import org.paqet4j.tunnel.runtime.ClientRuntime;
import org.paqet4j.tunnel.runtime.ServerRuntime;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.KcptunServer;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.ServerMode;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.KcpSessionDialer;
import org.paqet4j.tunnel.session.LiveSessions;
import org.paqet4j.tunnel.session.TransportSettings;
import org.paqet4j.tunnel.socks.Credentials;

/** Starts a client or server from a validated configuration; everything it starts is stopped by the returned runtime. */
public final class TunnelLauncher {
    /** A server-side KCP session that receives nothing for this long is closed. */
    private static final Duration KCP_IDLE_TIMEOUT = Duration.ofMinutes(2);
    /** Targets per SOCKS5 UDP association, client addresses per UDP forward. */
    private static final int MAX_UDP_TARGETS = 256;

    private TunnelLauncher() {}

    /** A started client and the lines that tell the user what listens where. */
    public record Client(ClientRuntime runtime, List<String> startupLines, TunnelStatus status) {}

    /** A started server and its startup line. */
    public record Server(ServerRuntime runtime, String startupLine, TunnelStatus status) {}

    /**
     * Starts a client. With {@code listeners} false only the connection set runs (for {@code paqet ping}).
     */
    public static Client startClient(PaqetConfig config, boolean listeners) throws IOException {
        HostPort serverAddr = config.server().orElseThrow(() -> new IOException("a client needs server.addr"));
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(serverAddr.host()), serverAddr.port());
        TransportSettings settings = TransportFactory.settings(config);
        CarrierSetup carriers = new CarrierSetup(config.network());
        KcpEventLoop loop = KcpEventLoop.start("kcp-client", settings.memory());
        ClientOptions defaults = ClientOptions.defaults(
                config.transport().conn(), CarrierSetup.masks(config.network().remoteFlag()));
        List<ClientPlan.Socks> socks = new ArrayList<>();
        List<ClientPlan.Forward> forwards = new ArrayList<>();
        if (listeners && config.kcptunMode()) {
            // kcptun mode: each connection to kcptun.listen is one bare stream; the server knows the target.
            HostPort listen = config.kcptun()
                    .flatMap(k -> k.listen())
                    .orElseThrow(() -> new IOException("a kcptun-mode client needs kcptun.listen"));
            forwards.add(new ClientPlan.Forward(bind(listen), new Target(serverAddr.host(), serverAddr.port()), false));
        } else if (listeners) {
            for (Socks5Config s : config.socks5()) {
                socks.add(new ClientPlan.Socks(
                        bind(s.listen()),
                        s.authenticates()
                                ? Optional.of(Credentials.of(s.username(), s.password()))
                                : Optional.empty()));
            }
            for (ForwardConfig f : config.forward()) {
                forwards.add(new ClientPlan.Forward(
                        bind(f.listen()),
                        new Target(f.target().host(), f.target().port()),
                        f.protocol() == ForwardProtocol.UDP));
            }
        }
        LimitsConfig limits = config.limits();
        ClientPlan plan = new ClientPlan(
                defaults,
                socks,
                forwards,
                limits.handshakeTimeout(),
                limits.udpIdleTimeout(),
                MAX_UDP_TARGETS,
                config.kcptunMode(),
                limits.maxConnections(),
                limits.maxUdpAssociations());
        LiveSessions live = new LiveSessions();
        ClientRuntime runtime = ClientRuntime.start(
                plan,
                new KcpSessionDialer(loop, carriers.clientCarriers(server), server, settings, live),
                List.of(loop, carriers));
        List<String> lines = new ArrayList<>();
        lines.add("client" + (config.kcptunMode() ? " (kcptun mode)" : "") + ": "
                + config.transport().conn()
                + " connection(s) to " + serverAddr
                + (settings.guard().isPresent() ? " with packet guard" : "") + ", cipher "
                + config.transport().kcp().block().yamlName());
        lines.addAll(runtime.startupLines());
        TunnelStatus status = new TunnelStatus(
                new TunnelStatus.Parts(
                        "client",
                        mode(config),
                        BuildInfo.current().version(),
                        carriers::description,
                        carriers::firewallBackend,
                        live,
                        limits,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        runtime.socksServers(),
                        runtime.tcpForwards(),
                        config.transport().conn()),
                Clock.systemUTC());
        return new Client(runtime, lines, status);
    }

    public static Server startServer(PaqetConfig config) throws IOException {
        HostPort listen = config.listen().orElseThrow(() -> new IOException("a server needs listen.addr"));
        TransportSettings settings = TransportFactory.settings(config);
        CarrierSetup carriers = new CarrierSetup(config.network());
        PacketCarrier raw;
        try {
            raw = carriers.serverCarrier(listen.host(), listen.port());
        } catch (IOException | RuntimeException e) {
            carriers.close();
            throw e;
        }
        PacketCarrier carrier = settings.guard()
                .<PacketCarrier>map(g -> GuardedCarrier.listening(raw, g))
                .orElse(raw);
        KcpEventLoop loop = KcpEventLoop.start("kcp-server", settings.memory());
        LimitsConfig limits = config.limits();
        KcpListener listener = KcpListener.listen(
                loop, carrier, settings.kcp(), settings.codecs(), limits.maxSessions(), KCP_IDLE_TIMEOUT);
        ServerLimits serverLimits = new ServerLimits(
                limits.maxSessions(),
                limits.maxStreamsPerSession(),
                limits.maxStreamsTotal(),
                limits.headerTimeout(),
                limits.dialTimeout());
        ServerMode server;
        if (config.kcptunMode()) {
            HostPort target = config.kcptun()
                    .flatMap(k -> k.target())
                    .orElseThrow(() -> new IOException("a kcptun-mode server needs kcptun.target"));
            server = new KcptunServer(new Target(target.host(), target.port()), serverLimits, HostResolver.SYSTEM);
        } else {
            server = new TunnelServer(
                    serverLimits, accessRules(config.access()), HostResolver.SYSTEM, carrier.peerFlags());
        }
        // Lower layers close after the mux sessions and the listener: event loop, carrier, firewall rules.
        LiveSessions live = new LiveSessions();
        ServerRuntime runtime = ServerRuntime.start(server, listener, settings, live, List.of(loop, carrier, carriers));
        TunnelStatus status = new TunnelStatus(
                new TunnelStatus.Parts(
                        "server",
                        mode(config),
                        BuildInfo.current().version(),
                        carriers::description,
                        carriers::firewallBackend,
                        live,
                        limits,
                        Optional.of(carrier),
                        Optional.of(listener),
                        Optional.of(server.counters()),
                        List.of(),
                        List.of(),
                        0),
                Clock.systemUTC());
        return new Server(
                runtime,
                runtime.startupLine()
                        + (config.kcptunMode()
                                ? " in kcptun mode, streams to "
                                        + config.kcptun()
                                                .flatMap(k -> k.target())
                                                .orElseThrow()
                                : "")
                        + " (" + carriers.description() + ", cipher "
                        + config.transport().kcp().block().yamlName()
                        + (settings.guard().isPresent() ? ", packet guard" : "") + ")",
                status);
    }

    private static String mode(PaqetConfig config) {
        return config.kcptunMode() ? "kcptun" : "paqet";
    }

    static AccessRules accessRules(AccessConfig access) {
        return new AccessRules(rules(access.allow()), rules(access.deny()));
    }

    private static List<AccessRule> rules(List<org.paqet4j.cli.config.AccessRule> rules) {
        return rules.stream()
                .map(r -> new AccessRule(
                        new Cidr(r.network().getAddress(), r.prefixLength()), new PortRange(r.fromPort(), r.toPort())))
                .toList();
    }

    private static InetSocketAddress bind(HostPort listen) {
        return listen.host().isEmpty()
                ? new InetSocketAddress(listen.port())
                : new InetSocketAddress(listen.host(), listen.port());
    }
}
