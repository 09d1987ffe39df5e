package org.paqet4j.cli.run;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.paqet4j.cli.config.AddressConfig;
import org.paqet4j.cli.config.Carrier;
import org.paqet4j.cli.config.FirewallMode;
import org.paqet4j.cli.config.FlagCombination;
import org.paqet4j.cli.config.NetworkConfig;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;
import org.paqet4j.packet.UdpCarrier;
import org.paqet4j.packet.firewall.FirewallRules;
import org.paqet4j.packet.firewall.RawPortLock;
import org.paqet4j.packet.firewall.Role;
import org.paqet4j.packet.route.Gateway;
import org.paqet4j.packet.route.LocalAddresses;
import org.paqet4j.packet.route.MacAddress;
import org.paqet4j.packet.route.NetworkPath;
import org.paqet4j.packet.route.Route;
import org.paqet4j.packet.route.Routes;
import org.paqet4j.tunnel.session.CarrierFactory;

/**
 * Opens the carriers {@code network} describes: raw TCP packets on an interface (paqet) or plain
 * UDP (kcptun), with the firewall rules the raw carrier needs installed once per local port and
 * removed at shutdown ({@link #close}).
 */
final class CarrierSetup implements AutoCloseable {
    private final NetworkConfig network;
    private final Map<Integer, FirewallRules> firewall = new ConcurrentHashMap<>();
    /** With {@code firewall: off} there are no rules, but the port still has one owner. */
    private final Map<Integer, RawPortLock> portLocks = new ConcurrentHashMap<>();

    private final Map<Integer, Integer> slotPorts = new ConcurrentHashMap<>();
    private volatile String description = "";

    CarrierSetup(NetworkConfig network) {
        this.network = network;
    }

    /** "raw TCP on eth0 from 10.0.0.2" or "UDP": what the startup line says about the carrier. */
    String description() {
        return description;
    }

    /** The firewall rules' backend ("nftables", ...), "off" when none are installed, "none" for UDP. */
    String firewallBackend() {
        if (description.equals("UDP")) {
            return "none";
        }
        return firewall.values().stream()
                .findFirst()
                .map(FirewallRules::backend)
                .orElse("off");
    }

    /** The client's carriers: one per connection slot, each on its own local port, kept across redials. */
    CarrierFactory clientCarriers(InetSocketAddress server) {
        return slot -> open(slotPort(slot), Optional.of(server.getAddress()), Role.CLIENT);
    }

    /** A slot's local port: configured port + slot, or a random one no other slot has. */
    synchronized int slotPort(int slot) {
        Integer known = slotPorts.get(slot);
        if (known != null) {
            return known;
        }
        int port = network.port() + slot;
        if (network.port() == 0) {
            do {
                port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
            } while (slotPorts.containsValue(port));
        }
        slotPorts.put(slot, port);
        return port;
    }

    /** The server's carrier on the listen port. */
    PacketCarrier serverCarrier(String listenHost, int port) throws IOException {
        if (network.carrier() == Carrier.UDP) {
            InetSocketAddress bind =
                    listenHost.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(listenHost, port);
            description = "UDP";
            return UdpCarrier.bind(bind, network.pcapSockbuf());
        }
        return open(port, Optional.empty(), Role.SERVER);
    }

    private PacketCarrier open(int port, Optional<InetAddress> peer, Role role) throws IOException {
        if (network.carrier() == Carrier.UDP) {
            InetAddress local = network.ipv4()
                    .map(AddressConfig::address)
                    .or(() -> network.ipv6().map(AddressConfig::address))
                    .orElse(null);
            description = "UDP";
            return UdpCarrier.bind(new InetSocketAddress(local, network.port() != 0 ? port : 0), network.pcapSockbuf());
        }
        short[] flags = masks(network.localFlag());
        RawTcpCarrierConfig.Builder builder = null;
        String source = "";
        boolean v6Peer = peer.isPresent() && peer.get() instanceof Inet6Address;
        if (network.ipv4().isPresent() && !v6Peer) {
            AddressConfig a = network.ipv4().get();
            Path path = path(peer, a, StandardProtocolFamily.INET);
            builder = RawTcpCarrierConfig.builder(path.interfaceName, port)
                    .ipv4((Inet4Address) path.source, path.macBytes());
            source = path.interfaceName + " from " + AddressText.of(path.source);
        }
        if (network.ipv6().isPresent() && (peer.isEmpty() || v6Peer)) {
            AddressConfig a = network.ipv6().get();
            Path path = path(peer, a, StandardProtocolFamily.INET6);
            builder = (builder != null ? builder : RawTcpCarrierConfig.builder(path.interfaceName, port))
                    .ipv6((Inet6Address) path.source, path.macBytes());
            source = source.isEmpty()
                    ? path.interfaceName + " from " + AddressText.of(path.source)
                    : source + " and " + AddressText.of(path.source);
        }
        if (builder == null) {
            throw new IOException("the raw carrier needs network.ipv4 or network.ipv6"
                    + peer.map(p -> " of the family of server.addr " + AddressText.of(p))
                            .orElse(""));
        }
        synchronized (firewall) {
            if (network.firewall() == FirewallMode.AUTO && !firewall.containsKey(port)) {
                firewall.put(port, FirewallRules.install(port, role));
            } else if (network.firewall() != FirewallMode.AUTO && !portLocks.containsKey(port)) {
                portLocks.put(port, RawPortLock.acquire(port, role));
            }
        }
        description = "raw TCP on " + source;
        return RawTcpCarrier.open(
                builder.localFlags(flags).receiveBuffer(network.pcapSockbuf()).build());
    }

    /** {@code mac} is null when the carrier resolves the next hop per peer. */
    private record Path(String interfaceName, InetAddress source, MacAddress mac) {
        byte[] macBytes() {
            return mac == null ? null : mac.bytes();
        }
    }

    /**
     * Interface, source address and next-hop MAC: the configured ones where given, else the kernel's
     * route to the peer (client) or the default gateway (server).
     */
    private Path path(Optional<InetAddress> peer, AddressConfig local, StandardProtocolFamily family)
            throws IOException {
        if (peer.isPresent()) {
            NetworkPath p = NetworkPath.resolve(
                    peer.get(), network.interfaceName(), local.routerMac(), TransportFactory.NEIGHBOUR_TIMEOUT);
            InetAddress source = local.address().isAnyLocalAddress() ? p.source() : local.address();
            return new Path(p.interfaceName(), source, p.nextHopMac());
        }
        // without router_mac the carrier resolves each peer's next hop itself (routes, neighbours, frames)
        return new Path(
                serverInterface(local.address(), family),
                serverSource(local.address(), family),
                local.routerMac().orElse(null));
    }

    /**
     * The server's source address: the configured one, or for a wildcard the address the kernel
     * would send from toward the default gateway (raw packets need a real one).
     */
    private static InetAddress serverSource(InetAddress configured, StandardProtocolFamily family) throws IOException {
        if (!configured.isAnyLocalAddress()) {
            return configured;
        }
        String section = "network." + (family == StandardProtocolFamily.INET ? "ipv4" : "ipv6") + ".addr";
        Gateway gateway = Routes.defaultGateway(family)
                .orElseThrow(() -> new IOException(section
                        + " is a wildcard and there is no default route for " + family + " to take the address from; "
                        + "set the server's own address"));
        return Routes.routeTo(gateway.address()).source();
    }

    /**
     * The configured interface, else the one holding the server's own address, else (a wildcard
     * address) the default route's.
     */
    private String serverInterface(InetAddress address, StandardProtocolFamily family) throws IOException {
        if (network.interfaceName().isPresent()) {
            return network.interfaceName().get();
        }
        String section = "network." + (family == StandardProtocolFamily.INET ? "ipv4" : "ipv6") + ".addr";
        if (!address.isAnyLocalAddress()) {
            return LocalAddresses.interfaceHolding(address)
                    .orElseThrow(() -> new IOException("no interface has the address " + AddressText.of(address) + " ("
                            + section + "); assign it or set network.interface"));
        }
        return Routes.defaultGateway(family)
                .map(Gateway::interfaceName)
                .orElseThrow(() -> new IOException(section + " is a wildcard and there is no default route for "
                        + family + "; set network.interface"));
    }

    /**
     * The interface the raw carrier would use, resolved like {@link #open} does: the route to
     * {@code peer} (a client) or the configured interface / default route (a server). For taps
     * such as {@code paqet dump}, which open no carrier and install no firewall rules.
     */
    String rawInterface(Optional<InetAddress> peer) throws IOException {
        if (network.carrier() == Carrier.UDP) {
            throw new IOException("the configuration uses carrier: udp, which has no raw TCP packets to capture");
        }
        boolean v6 =
                peer.map(p -> p instanceof Inet6Address).orElse(network.ipv4().isEmpty());
        StandardProtocolFamily family = v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        AddressConfig local = (v6 ? network.ipv6() : network.ipv4())
                .orElseThrow(() -> new IOException("the raw carrier needs network." + (v6 ? "ipv6" : "ipv4")
                        + peer.map(p -> " for server.addr " + AddressText.of(p)).orElse("")));
        if (peer.isPresent()) {
            return path(peer, local, family).interfaceName();
        }
        return serverInterface(local.address(), family);
    }

    /**
     * What {@link #open} would choose for each configured address family (only {@code peer}'s for
     * a client) and why: interface, local address and next hop, as lines for {@code paqet iface -c}.
     */
    List<String> explain(Optional<InetAddress> peer) throws IOException {
        if (network.carrier() == Carrier.UDP) {
            return List.of("carrier: udp (a plain UDP socket; no interface, next hop or raw packets)");
        }
        List<String> lines = new ArrayList<>();
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            boolean v6 = family == StandardProtocolFamily.INET6;
            String section = "network." + (v6 ? "ipv6" : "ipv4");
            Optional<AddressConfig> local = v6 ? network.ipv6() : network.ipv4();
            if (local.isEmpty() || peer.isPresent() && (peer.get() instanceof Inet6Address) != v6) {
                continue;
            }
            lines.add(section + ":");
            try {
                lines.addAll(
                        peer.isPresent()
                                ? explainClient(peer.get(), local.get(), section)
                                : explainServer(local.get(), family, section));
            } catch (IOException e) {
                lines.add("  cannot be resolved: " + e.getMessage());
            }
        }
        if (lines.isEmpty()) {
            lines.add("no network.ipv4 or network.ipv6"
                    + peer.map(p -> " of the family of " + AddressText.of(p)).orElse(""));
        }
        return lines;
    }

    private List<String> explainClient(InetAddress peer, AddressConfig local, String section) throws IOException {
        NetworkPath path = NetworkPath.resolve(
                peer, network.interfaceName(), local.routerMac(), TransportFactory.NEIGHBOUR_TIMEOUT);
        Route route = Routes.routeTo(peer);
        String nextHop;
        if (local.routerMac().isPresent()) {
            nextHop = path.nextHopMac() + " (" + section + ".router_mac, an override)";
        } else if (route.gateway() != null) {
            nextHop = "gateway " + AddressText.of(route.gateway()) + " at " + path.nextHopMac() + " (route to "
                    + AddressText.of(peer) + ", neighbour table)";
        } else {
            nextHop = "the server itself at " + path.nextHopMac() + " (directly connected, neighbour table)";
        }
        boolean wildcard = local.address().isAnyLocalAddress();
        return List.of(
                "  interface  " + path.interfaceName()
                        + (network.interfaceName().isPresent()
                                ? " (network.interface)"
                                : " (route to " + AddressText.of(peer) + ")"),
                "  local      " + AddressText.of(wildcard ? path.source() : local.address())
                        + (wildcard ? " (the route's source address)" : " (" + section + ".addr)"),
                "  next hop   " + nextHop);
    }

    private List<String> explainServer(AddressConfig local, StandardProtocolFamily family, String section)
            throws IOException {
        String why;
        if (network.interfaceName().isPresent()) {
            why = "network.interface";
        } else if (!local.address().isAnyLocalAddress()) {
            why = "it holds " + AddressText.of(local.address());
        } else {
            why = "default route; " + section + ".addr is a wildcard";
        }
        String nextHop = local.routerMac()
                .map(m -> m + " for every peer (" + section + ".router_mac, an override)")
                .orElse("per peer: the kernel's route and neighbour tables, else the source MAC of the frames "
                        + "the peer's packets arrive in");
        boolean wildcard = local.address().isAnyLocalAddress();
        return List.of(
                "  interface  " + serverInterface(local.address(), family) + " (" + why + ")",
                "  local      " + AddressText.of(serverSource(local.address(), family))
                        + (wildcard ? " (the default route's source address)" : " (" + section + ".addr)"),
                "  next hop   " + nextHop);
    }

    static short[] masks(List<FlagCombination> flags) {
        short[] masks = new short[flags.size()];
        for (int i = 0; i < masks.length; i++) {
            masks[i] = flags.get(i).mask();
        }
        return masks;
    }

    /** Removes every firewall rule this setup installed. */
    @Override
    public void close() {
        firewall.values().forEach(FirewallRules::close);
        firewall.clear();
        portLocks.values().forEach(RawPortLock::close);
        portLocks.clear();
    }

    @Override
    public String toString() {
        return "firewall rules";
    }
}
