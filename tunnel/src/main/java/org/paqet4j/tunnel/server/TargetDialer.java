package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.Target;

/**
 * Resolves a target, drops the addresses the access rules deny (after resolution, so a domain
 * cannot point past the rules) and connects to the first allowed address that answers.
 */
final class TargetDialer {

    private final AccessRules rules;
    private final HostResolver resolver;
    private final Duration dialTimeout;

    TargetDialer(AccessRules rules, HostResolver resolver, Duration dialTimeout) {
        this.rules = rules;
        this.resolver = resolver;
        this.dialTimeout = dialTimeout;
    }

    /** The allowed addresses of {@code target}, in resolver order. */
    List<InetSocketAddress> allowedAddresses(Target target) throws IOException {
        InetAddress[] addresses = resolver.resolve(target.host());
        List<InetSocketAddress> allowed = new ArrayList<>(addresses.length);
        String firstDenial = null;
        for (InetAddress address : addresses) {
            String denial = rules.denial(address, target.port());
            if (denial == null) {
                allowed.add(new InetSocketAddress(address, target.port()));
            } else if (firstDenial == null) {
                firstDenial = denial;
            }
        }
        if (allowed.isEmpty()) {
            throw new TargetDeniedException("target " + target + " denied: " + firstDenial);
        }
        return allowed;
    }

    /** Tries the allowed addresses in turn; {@code dialTimeout} bounds all attempts together, not each one. */
    Socket dialTcp(Target target) throws IOException {
        IOException last = null;
        long deadline = System.nanoTime() + dialTimeout.toNanos();
        for (InetSocketAddress address : allowedAddresses(target)) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new IOException("dial " + target + ": no address answered within " + dialTimeout, last);
            }
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(address, (int) Math.min(remainingMillis, Integer.MAX_VALUE));
                return socket;
            } catch (IOException e) {
                socket.close();
                last = new IOException("dial " + address + " for " + target + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    /** A UDP socket connected to the target: replies from anyone else are filtered by the kernel. */
    DatagramChannel dialUdp(Target target) throws IOException {
        InetSocketAddress address = allowedAddresses(target).getFirst();
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.connect(address);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("UDP connect " + address + " for " + target + ": " + e.getMessage(), e);
        }
    }
}
