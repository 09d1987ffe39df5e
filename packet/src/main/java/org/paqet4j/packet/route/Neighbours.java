package org.paqet4j.packet.route;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.ObjIntConsumer;
import org.paqet4j.packet.AddressText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kernel's neighbour table (ARP for IPv4, NDP for IPv6), read over rtnetlink. */
public final class Neighbours {

    private static final Logger LOG = LoggerFactory.getLogger(Neighbours.class);
    /** The discard service: a datagram there is harmless, and sending it makes the kernel resolve. */
    private static final int DISCARD_PORT = 9;

    private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();
    private static final long TRIGGER_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    private Neighbours() {}

    /**
     * The MAC of {@code address} on interface {@code interfaceIndex} if the table holds a usable
     * entry (REACHABLE, STALE, DELAY, PROBE or PERMANENT); INCOMPLETE and FAILED entries do not count.
     */
    public static Optional<MacAddress> lookup(InetAddress address, int interfaceIndex) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            return find(socket, address, interfaceIndex)
                    .filter(NeighbourEntry::usable)
                    .flatMap(NeighbourEntry::mac);
        }
    }

    /**
     * Like {@link #lookup}, but when there is no usable entry it makes the kernel resolve the
     * address (by sending one empty UDP datagram to its discard port, once a second) and polls the
     * table until the entry appears or {@code timeout} passes. Only {@code address} is ever sent to.
     *
     * @throws NetworkPathException naming the address and interface when no MAC was found in time
     */
    public static MacAddress resolve(InetAddress address, int interfaceIndex, Duration timeout) throws IOException {
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            return resolve(socket, address, interfaceIndex, timeout, "", "");
        }
    }

    /**
     * {@code role} ("gateway ", "peer ") and {@code hint} ("; set network.ipv4.router_mac") only
     * shape the error message.
     */
    static MacAddress resolve(
            NetlinkSocket socket, InetAddress address, int interfaceIndex, Duration timeout, String role, String hint)
            throws IOException {
        return resolve(socket, address, interfaceIndex, timeout, role, hint, Neighbours::trigger);
    }

    /** {@link #resolve(NetlinkSocket, InetAddress, int, Duration, String, String)} with its own way to trigger. */
    static MacAddress resolve(
            NetlinkSocket socket,
            InetAddress address,
            int interfaceIndex,
            Duration timeout,
            String role,
            String hint,
            ObjIntConsumer<InetAddress> trigger)
            throws IOException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextTrigger = start;
        Optional<NeighbourEntry> entry;
        while (true) {
            entry = find(socket, address, interfaceIndex);
            if (entry.isPresent() && entry.get().usable()) {
                return entry.get().mac().orElseThrow();
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            if (now - nextTrigger >= 0) {
                trigger.accept(address, interfaceIndex);
                nextTrigger = now + TRIGGER_INTERVAL_NANOS;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(POLL_NANOS, deadline - now)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NetworkPathException("interrupted while resolving the MAC of " + AddressText.of(address));
            }
        }
        String state = entry.map(e -> "neighbour state " + NeighbourEntry.stateName(e.state()))
                .orElse("no neighbour entry");
        throw new NetworkPathException("no MAC for " + role + AddressText.of(address) + " on "
                + RtNetlink.interfaceName(socket, interfaceIndex) + " after " + format(timeout) + " (" + state + ")"
                + hint);
    }

    /** The table entry for {@code address} on {@code interfaceIndex}, whatever its state. */
    static Optional<NeighbourEntry> find(NetlinkSocket socket, InetAddress address, int interfaceIndex)
            throws NetlinkException {
        byte[] wanted = address.getAddress();
        return RtNetlink.neighbourDump(socket, AddressFamily.of(address)).stream()
                .filter(e -> e.interfaceIndex() == interfaceIndex
                        && Arrays.equals(e.address().getAddress(), wanted))
                .findFirst();
    }

    private static void trigger(InetAddress address, int interfaceIndex) {
        StandardProtocolFamily family =
                address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (DatagramChannel channel = DatagramChannel.open(family)) {
            trigger(channel, address, interfaceIndex);
        } catch (IOException e) {
            LOG.debug("no socket to trigger resolution of {}: {}", AddressText.of(address), e.toString());
        }
    }

    /** Sends one empty datagram to {@code address}'s discard port through {@code channel}, of its family. */
    static void trigger(DatagramChannel channel, InetAddress address, int interfaceIndex) {
        InetAddress target = address;
        try {
            if (address instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                target = Inet6Address.getByAddress(null, v6.getAddress(), interfaceIndex);
            }
            channel.send(ByteBuffer.allocate(0), new InetSocketAddress(target, DISCARD_PORT));
            LOG.debug("sent a neighbour resolution trigger to {} port {}", AddressText.of(target), DISCARD_PORT);
        } catch (IOException e) {
            // The kernel reports an earlier failed resolution here (EHOSTUNREACH); keep polling.
            LOG.debug("neighbour resolution trigger to {} failed: {}", AddressText.of(target), e.toString());
        }
    }

    static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
