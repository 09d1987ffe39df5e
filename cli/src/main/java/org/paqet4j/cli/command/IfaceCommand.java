package org.paqet4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.packet.route.Gateway;
import org.paqet4j.packet.route.Routes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code paqet iface}: what {@code network.interface}, {@code network.ipv4/ipv6.addr} and
 * {@code router_mac} should say on this host: every interface with its index, MAC, addresses,
 * MTU and state, and the default gateway of each address family with its MAC, as the kernel's
 * routing and neighbour tables have them.
 */
@Command(
    name = "iface",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the network interfaces (index, name, state, MTU, MAC, addresses) and the default",
      "gateway of IPv4 and IPv6 with its MAC address, read from the kernel (rtnetlink)."
    },
    footer = {
      "",
      "Examples:",
      "  paqet iface",
      "  sudo ip netns exec lab paqet iface     inside a network namespace",
      "",
      "A gateway whose MAC shows as unknown is not in the neighbour table yet; any traffic",
      "through it (e.g. one ping) makes the kernel learn it."
    })
public final class IfaceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws SocketException {
    PrintWriter out = spec.commandLine().getOut();
    List<NetworkInterface> interfaces = NetworkInterface.networkInterfaces()
        .sorted(Comparator.comparingInt(NetworkInterface::getIndex))
        .toList();
    for (NetworkInterface nif : interfaces) {
      out.println(describe(nif));
      for (InterfaceAddress a : nif.getInterfaceAddresses()) {
        boolean v6 = a.getAddress() instanceof Inet6Address;
        out.println("    " + (v6 ? "inet6 " : "inet ") + withoutScope(a.getAddress().getHostAddress())
            + "/" + a.getNetworkPrefixLength());
      }
    }
    out.println("default gateways:");
    boolean failed = false;
    for (StandardProtocolFamily family : List.of(StandardProtocolFamily.INET, StandardProtocolFamily.INET6)) {
      String name = family == StandardProtocolFamily.INET ? "ipv4" : "ipv6";
      try {
        out.println("  " + name + ": " + Routes.defaultGateway(family).map(IfaceCommand::describe).orElse("none"));
      } catch (IOException e) {
        out.println("  " + name + ": cannot be read from the kernel: " + e.getMessage());
        failed = true;
      }
    }
    out.flush();
    return failed ? ExitCodes.FAILURE : ExitCodes.OK;
  }

  static String describe(NetworkInterface nif) {
    String state;
    String mtu;
    String mac;
    try {
      state = nif.isUp() ? "up" : "down";
      mtu = String.valueOf(nif.getMTU());
      mac = Optional.ofNullable(nif.getHardwareAddress())
          .filter(b -> b.length > 0)
          .map(b -> HexFormat.ofDelimiter(":").formatHex(b))
          .orElse("none");
    } catch (SocketException e) {
      // the interface went away while we looked; say so instead of failing the whole listing
      return nif.getIndex() + ": " + nif.getName() + "  (gone: " + e.getMessage() + ")";
    }
    return nif.getIndex() + ": " + nif.getName() + "  " + state + "  mtu " + mtu + "  mac " + mac;
  }

  static String describe(Gateway g) {
    return withoutScope(g.address().getHostAddress()) + " via " + g.interfaceName() + " (index "
        + g.interfaceIndex() + "), mac "
        + g.mac().map(Object::toString).orElse("unknown (not in the neighbour table yet)");
  }

  /** "fe80::1%eth0" → "fe80::1": the interface is printed separately. */
  private static String withoutScope(String address) {
    int percent = address.indexOf('%');
    return percent < 0 ? address : address.substring(0, percent);
  }
}
