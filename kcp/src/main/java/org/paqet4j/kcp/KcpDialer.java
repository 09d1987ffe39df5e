package org.paqet4j.kcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;

/**
 * Opens client sessions. Like kcp-go's {@code DialWithOptions} the conversation id is 32 random
 * bits and nothing is exchanged up front: the first segment the client sends (sn 0) creates, or
 * replaces, the server-side session for this address.
 */
public final class KcpDialer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KcpDialer() {}

    /**
     * Creates a session to {@code server} over {@code carrier}. The caller keeps owning the carrier
     * and closes it after the session; the carrier may carry sessions to several servers.
     */
    public static KcpSession dial(
            KcpEventLoop loop, PacketCarrier carrier, InetSocketAddress server, KcpConfig config, DatagramCodec codec)
            throws IOException {
        return dial(loop, carrier, server, config, codec, RANDOM.nextInt());
    }

    /** As {@link #dial(KcpEventLoop, PacketCarrier, InetSocketAddress, KcpConfig, DatagramCodec)} with a chosen conv. */
    public static KcpSession dial(
            KcpEventLoop loop,
            PacketCarrier carrier,
            InetSocketAddress server,
            KcpConfig config,
            DatagramCodec codec,
            int conv)
            throws IOException {
        if (server.isUnresolved()) {
            throw new IOException("cannot dial unresolved KCP server address " + AddressText.of(server));
        }
        KcpSession session = new KcpSession(loop, carrier, server, conv, config, codec, 0);
        DialerRouter router = loop.attach(carrier, DialerRouter.class, DialerRouter::new);
        loop.register(session);
        router.add(session);
        return session;
    }
}
