package org.paqet4j.tunnel.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.client.SessionDialer;
import org.paqet4j.tunnel.client.TunnelClient;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.forward.UdpForward;
import org.paqet4j.tunnel.relay.ListenerLimits;
import org.paqet4j.tunnel.socks.Socks5Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running client: the connection set, its SOCKS5 listeners and forwards, and the lower layers
 * (KCP event loop, firewall rules) it was started with, shut down in that order.
 */
public final class ClientRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientRuntime.class);

    private final TunnelClient client;
    private final List<String> startupLines = new ArrayList<>();
    private final List<Socks5Server> socksServers = new ArrayList<>();
    private final List<TcpForward> tcpForwardList = new ArrayList<>();
    private final GracefulShutdown shutdown = new GracefulShutdown();

    private ClientRuntime(TunnelClient client) {
        this.client = client;
    }

    /**
     * Starts the connection set and binds every listener; if a listener cannot bind, everything
     * started so far is closed again and the error names the listener.
     *
     * @param lowerLayers closed last, in this order (event loop, firewall rules, ...)
     */
    public static ClientRuntime start(ClientPlan plan, SessionDialer dialer, List<? extends AutoCloseable> lowerLayers)
            throws IOException {
        TunnelClient client =
                plan.kcptun() ? TunnelClient.kcptun(plan.options(), dialer) : new TunnelClient(plan.options(), dialer);
        ClientRuntime runtime = new ClientRuntime(client);
        List<Socks5Server> socks = new ArrayList<>();
        List<TcpForward> tcpForwards = new ArrayList<>();
        List<UdpForward> udpForwards = new ArrayList<>();
        ListenerLimits limits = plan.listenerLimits();
        try {
            for (ClientPlan.Socks s : plan.socks()) {
                Socks5Server server = Socks5Server.start(
                        s.bind(), client, s.credentials(), plan.handshakeTimeout(), plan.maxUdpTargets(), limits);
                socks.add(server);
                runtime.startupLines.add("SOCKS5 listening on " + format(server.localAddress())
                        + (s.credentials().isPresent() ? " (username/password required)" : ""));
            }
            for (ClientPlan.Forward f : plan.forwards()) {
                if (f.udp()) {
                    UdpForward forward =
                            UdpForward.start(f.bind(), f.target(), client, plan.udpIdleTimeout(), plan.maxUdpTargets());
                    udpForwards.add(forward);
                    runtime.startupLines.add("UDP forward " + format(forward.localAddress()) + " -> " + f.target());
                } else {
                    TcpForward forward = TcpForward.start(f.bind(), f.target(), client, limits.maxConnections());
                    tcpForwards.add(forward);
                    runtime.startupLines.add("TCP forward " + format(forward.localAddress()) + " -> " + f.target());
                }
            }
        } catch (IOException | RuntimeException e) {
            socks.forEach(Socks5Server::close);
            tcpForwards.forEach(TcpForward::close);
            udpForwards.forEach(UdpForward::close);
            closeAll(lowerLayers);
            throw e;
        }
        runtime.socksServers.addAll(socks);
        runtime.tcpForwardList.addAll(tcpForwards);
        GracefulShutdown sd = runtime.shutdown;
        for (Socks5Server s : socks) {
            sd.stopAccepting("SOCKS5 " + format(s.localAddress()), s::stopAccepting)
                    .drain("SOCKS5 " + format(s.localAddress()), s::awaitDrained);
        }
        for (TcpForward f : tcpForwards) {
            sd.stopAccepting("TCP forward " + format(f.localAddress()), f::stopAccepting)
                    .drain("TCP forward " + format(f.localAddress()), f::awaitDrained);
        }
        socks.forEach(s -> sd.thenClose("SOCKS5 " + format(s.localAddress()), s));
        tcpForwards.forEach(f -> sd.thenClose("TCP forward " + format(f.localAddress()), f));
        udpForwards.forEach(f -> sd.thenClose("UDP forward " + format(f.localAddress()), f));
        // Each session closes mux first, then KCP, then its carrier.
        sd.thenClose("tunnel connections", client);
        for (AutoCloseable lower : lowerLayers) {
            sd.thenClose(lower.toString(), lower);
        }
        client.start();
        return runtime;
    }

    private static void closeAll(List<? extends AutoCloseable> resources) {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing {} after a failed start: {}", r, e.toString());
            }
        }
    }

    /** {@code 127.0.0.1:1080} or {@code [::1]:1080}: how users write addresses. */
    static String format(InetSocketAddress address) {
        return AddressText.of(address);
    }

    public TunnelClient client() {
        return client;
    }

    /** The SOCKS5 listeners, in the order they were configured (for the status endpoint). */
    public List<Socks5Server> socksServers() {
        return List.copyOf(socksServers);
    }

    /** The TCP forwards, in the order they were configured (for the status endpoint). */
    public List<TcpForward> tcpForwards() {
        return List.copyOf(tcpForwardList);
    }

    /** What listens where, for the user. */
    public List<String> startupLines() {
        return List.copyOf(startupLines);
    }

    /** Stops accepting, drains open connections for most of {@code budget}, closes everything. */
    public boolean shutdown(Duration budget) {
        return shutdown.run(budget);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
