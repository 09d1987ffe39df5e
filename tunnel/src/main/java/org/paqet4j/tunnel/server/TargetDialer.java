package org.paqet4j.tunnel.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.paqet4j.packet.AddressText;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.Target;

/**
 * Resolves a target, skips the addresses the access rules deny (after resolution, so a domain
 * cannot point past the rules) and connects to the first allowed address that answers. The rules
 * are checked again against the address the socket ended up connected to, because the JDK may
 * substitute one (an unspecified address becomes the local host). Every failure names the target
 * and says why in words.
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

    /** Tries the allowed addresses in turn; {@code dialTimeout} bounds all attempts together, not each one. */
    Socket dialTcp(Target target) throws IOException {
        InetAddress[] addresses = resolve(target);
        String firstDenial = null;
        IOException last = null;
        long deadline = System.nanoTime() + dialTimeout.toNanos();
        for (InetAddress address : addresses) {
            String denial = rules.denial(address, target.port());
            if (denial != null) {
                firstDenial = firstDenial == null ? denial : firstDenial;
                continue;
            }
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new IOException("TCP " + target + ": no address answered within " + dialTimeout, last);
            }
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, target.port()), (int)
                        Math.min(remainingMillis, Integer.MAX_VALUE));
            } catch (IOException e) {
                socket.close();
                last = new IOException(
                        "TCP " + target + " at " + AddressText.of(address) + ": " + FailureReason.of(e), e);
                continue;
            }
            String connectedDenial = rules.denial(socket.getInetAddress(), socket.getPort());
            if (connectedDenial != null) {
                socket.close();
                throw new TargetDeniedException("target " + target + " denied after connecting: " + connectedDenial);
            }
            return socket;
        }
        if (last != null) {
            throw last;
        }
        throw new TargetDeniedException("target " + target + " denied: " + firstDenial);
    }

    /** A UDP socket connected to the target: replies from anyone else are filtered by the kernel. */
    DatagramChannel dialUdp(Target target) throws IOException {
        InetAddress address = null;
        String firstDenial = null;
        for (InetAddress candidate : resolve(target)) {
            String denial = rules.denial(candidate, target.port());
            if (denial == null) {
                address = candidate;
                break;
            }
            firstDenial = firstDenial == null ? denial : firstDenial;
        }
        if (address == null) {
            throw new TargetDeniedException("target " + target + " denied: " + firstDenial);
        }
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.connect(new InetSocketAddress(address, target.port()));
            SocketAddress connected = channel.getRemoteAddress();
            if (connected instanceof InetSocketAddress remote) {
                String denial = rules.denial(remote.getAddress(), remote.getPort());
                if (denial != null) {
                    throw new TargetDeniedException("target " + target + " denied after connecting: " + denial);
                }
            }
            return channel;
        } catch (TargetDeniedException e) {
            channel.close();
            throw e;
        } catch (IOException e) {
            channel.close();
            throw new IOException("UDP " + target + " at " + AddressText.of(address) + ": " + FailureReason.of(e), e);
        }
    }

    private InetAddress[] resolve(Target target) throws IOException {
        try {
            InetAddress[] addresses = resolver.resolve(target.host());
            if (addresses.length == 0) {
                throw new UnknownHostException(target.host());
            }
            return addresses;
        } catch (UnknownHostException e) {
            throw new IOException("resolving " + target + ": " + FailureReason.of(e), e);
        }
    }
}
