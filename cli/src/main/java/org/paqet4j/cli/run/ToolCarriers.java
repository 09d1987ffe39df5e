package org.paqet4j.cli.run;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.cli.config.HostPort;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;

/**
 * What the diagnostic commands ({@code paqet dump}, {@code paqet ping --raw}) need of a
 * configuration's carrier, resolved by {@link CarrierSetup} exactly as {@code paqet run} does.
 */
public final class ToolCarriers {
    private ToolCarriers() {}

    /** Where a configuration's tunnel packets arrive: an interface and the local tunnel port. */
    public record Tap(String interfaceName, int port) {}

    /**
     * The server's listen port, or the client's fixed {@code network.ipv4/ipv6} port, on the
     * interface its raw carrier would use.
     */
    public static Tap tap(PaqetConfig config) throws IOException {
        CarrierSetup setup = new CarrierSetup(config.network());
        if (config.role() == Role.SERVER) {
            HostPort listen = config.listen().orElseThrow(() -> new IOException("a server needs listen.addr"));
            return new Tap(setup.rawInterface(Optional.empty()), listen.port());
        }
        int port = config.network().port();
        if (port == 0) {
            throw new IOException("the client's tunnel port is chosen at random (port 0 in network.ipv4/ipv6 addr); "
                    + "set a fixed port to capture it");
        }
        return new Tap(setup.rawInterface(Optional.of(server(config).getAddress())), port);
    }

    /**
     * What {@code paqet run} would choose for the configuration's raw carrier, with the reason for
     * each choice: the route to the server (client) or the server's own address (server).
     */
    public static List<String> explain(PaqetConfig config) throws IOException {
        CarrierSetup setup = new CarrierSetup(config.network());
        List<String> lines = new ArrayList<>();
        if (config.role() == Role.SERVER) {
            lines.add("server, listening on port "
                    + config.listen().map(HostPort::port).map(String::valueOf).orElse("?"));
            lines.addAll(setup.explain(Optional.empty()));
        } else {
            InetSocketAddress server = server(config);
            lines.add("client of " + AddressText.of(server));
            lines.addAll(setup.explain(Optional.of(server.getAddress())));
        }
        return lines;
    }

    /** A client's carrier for its first connection slot and the firewall rules installed for it. */
    public static final class ClientCarrier implements AutoCloseable {
        private final CarrierSetup setup;
        private final PacketCarrier carrier;
        private final InetSocketAddress server;

        private ClientCarrier(CarrierSetup setup, PacketCarrier carrier, InetSocketAddress server) {
            this.setup = setup;
            this.carrier = carrier;
            this.server = server;
        }

        public PacketCarrier carrier() {
            return carrier;
        }

        /** The configured {@code server.addr}. */
        public InetSocketAddress server() {
            return server;
        }

        /** "raw TCP on eth0 from 10.0.0.2" or "UDP". */
        public String description() {
            return setup.description();
        }

        /** Closes the carrier, then removes the firewall rules. */
        @Override
        public void close() {
            try {
                carrier.close();
            } finally {
                setup.close();
            }
        }
    }

    /**
     * Opens the carrier a client's first connection would use (local port and flags from
     * {@code network}, firewall rules when {@code network.firewall} is auto).
     */
    public static ClientCarrier openClient(PaqetConfig config) throws IOException {
        InetSocketAddress server = server(config);
        CarrierSetup setup = new CarrierSetup(config.network());
        try {
            return new ClientCarrier(setup, setup.clientCarriers(server).open(0), server);
        } catch (IOException | RuntimeException e) {
            setup.close();
            throw e;
        }
    }

    private static InetSocketAddress server(PaqetConfig config) throws IOException {
        HostPort server = config.server().orElseThrow(() -> new IOException("a client needs server.addr"));
        return new InetSocketAddress(InetAddress.getByName(server.host()), server.port());
    }
}
