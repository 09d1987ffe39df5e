package org.paqet4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.IpLiterals;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.run.ToolCarriers;
import org.paqet4j.packet.route.Gateway;
import org.paqet4j.packet.route.Routes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet iface}: what {@code network.interface}, {@code network.ipv4/ipv6.addr} and
 * {@code router_mac} should say on this host: every interface with its index, MAC, addresses,
 * MTU and state (from sysfs), and the default gateway of each address family with its MAC, as the kernel's
 * routing and neighbour tables have them.
 */
@Command(
        name = "iface",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the interfaces and the default gateways with their MAC addresses.",
            "Interfaces: index, name, up/down, MTU, MAC and addresses (sysfs and the JDK).",
            "Gateways: the default route of IPv4 and IPv6, its interface and the",
            "gateway's MAC from the neighbour table (rtnetlink).",
            "With -c FILE: what paqet run would choose for that configuration instead:",
            "interface, local address and next hop, each with the reason (route,",
            "neighbour table, the address an interface holds, or an override)."
        },
        footer = {
            "",
            "Examples:",
            "  paqet iface",
            "  paqet iface -c server.yaml           what run would use for this configuration",
            "  sudo ip netns exec lab paqet iface    inside a network namespace",
            "",
            "A gateway MAC shown as unknown is not in the neighbour table yet;",
            "any traffic through the gateway (one ping) makes the kernel learn it."
        })
public final class IfaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    /** {@code flags} bit of an administratively up interface (linux/if.h). */
    private static final int IFF_UP = 0x1;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Show what paqet run would choose for this client or server configuration.")
    Optional<Path> config = Optional.empty();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (config.isPresent()) {
            return explain(config.get(), out, spec.commandLine().getErr());
        }
        for (Iface iface : interfaces()) {
            out.println(iface.index() + ": " + iface.name() + "  " + (iface.up() ? "up" : "down") + "  mtu "
                    + iface.mtu() + "  mac " + iface.mac());
            for (InterfaceAddress a : iface.addresses()) {
                boolean v6 = a.getAddress() instanceof Inet6Address;
                out.println("    " + (v6 ? "inet6 " : "inet ") + IpLiterals.format(a.getAddress()) + "/"
                        + a.getNetworkPrefixLength());
            }
        }
        out.println("default gateways:");
        boolean failed = false;
        for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
            String name = family == StandardProtocolFamily.INET ? "ipv4" : "ipv6";
            try {
                out.println("  " + name + ": "
                        + Routes.defaultGateway(family)
                                .map(IfaceCommand::describe)
                                .orElse("none"));
            } catch (IOException e) {
                out.println("  " + name + ": cannot be read from the kernel: " + e.getMessage());
                failed = true;
            }
        }
        out.flush();
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static int explain(Path file, PrintWriter out, PrintWriter err) {
        PaqetConfig c;
        try {
            c = ConfigLoader.load(file).config();
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            return ExitCodes.USAGE;
        }
        try {
            ToolCarriers.explain(c).forEach(out::println);
        } catch (IOException e) {
            err.println("paqet iface: " + file + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** One interface as the kernel describes it; mac is "none" for interfaces without one (lo, tun). */
    record Iface(int index, String name, boolean up, int mtu, String mac, List<InterfaceAddress> addresses) {}

    /**
     * Every interface, including those without addresses, which {@link NetworkInterface} leaves
     * out: the names, indexes, flags, MTUs and MACs come from sysfs, the addresses from the JDK.
     */
    static List<Iface> interfaces() throws IOException {
        List<Iface> result = new ArrayList<>();
        try (Stream<Path> devices = Files.list(SYS_CLASS_NET)) {
            // not every entry is a device: the bonding driver adds a plain file, bonding_masters
            for (Path dev : devices.filter(Files::isDirectory).toList()) {
                String name = dev.getFileName().toString();
                Optional<NetworkInterface> nif = Optional.ofNullable(NetworkInterface.getByName(name));
                try {
                    int flags = Integer.decode(sysfs(dev, "flags"));
                    String mac = sysfs(dev, "address");
                    result.add(new Iface(
                            Integer.parseInt(sysfs(dev, "ifindex")),
                            name,
                            (flags & IFF_UP) != 0,
                            Integer.parseInt(sysfs(dev, "mtu")),
                            mac.isEmpty() || mac.equals("00:00:00:00:00:00") ? "none" : mac,
                            nif.map(NetworkInterface::getInterfaceAddresses).orElse(List.of())));
                } catch (FileSystemException | NumberFormatException e) {
                    // not a network device after all (or it vanished while we looked): nothing to show
                }
            }
        }
        result.sort(Comparator.comparingInt(Iface::index));
        return result;
    }

    private static String sysfs(Path device, String attribute) throws IOException {
        return Files.readString(device.resolve(attribute)).strip();
    }

    static String describe(Gateway g) {
        return IpLiterals.format(g.address()) + " via " + g.interfaceName() + " (index "
                + g.interfaceIndex() + "), mac "
                + g.mac().map(Object::toString).orElse("unknown (not in the neighbour table yet)");
    }
}
