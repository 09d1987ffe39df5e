package org.paqet4j.packet.firewall;

import java.io.IOException;
import org.paqet4j.packet.route.NetlinkException;
import org.paqet4j.packet.route.NetlinkSocket;
import org.paqet4j.packet.route.Netns;
import org.paqet4j.packet.sys.NamespaceThread;

/** Opens netfilter sockets inside a test namespace, so the netlink backend never sees the host's ruleset. */
final class NetfilterNamespace implements AutoCloseable {

    private final NamespaceThread thread;

    NetfilterNamespace(Netns netns) throws IOException {
        this.thread = NamespaceThread.enter(netns.name());
    }

    NetlinkBackend.SocketOpener opener() {
        return () -> {
            try {
                return thread.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER));
            } catch (NetlinkException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot open a netfilter socket in " + thread.namespace(), e);
            }
        };
    }

    @Override
    public void close() {
        thread.close();
    }
}
