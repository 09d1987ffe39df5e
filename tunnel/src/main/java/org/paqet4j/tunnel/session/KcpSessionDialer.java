package org.paqet4j.tunnel.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.paqet4j.kcp.KcpDialer;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.tunnel.client.SessionDialer;
import org.paqet4j.tunnel.guard.GuardedCarrier;

/**
 * Dials one client slot: its own carrier (guarded if configured), a KCP session to the server and
 * an smux client session. Closing the session closes mux, then KCP, then the carrier; a KCP
 * session that dies (dead link) closes the mux session at once instead of waiting for the smux
 * keepalive timeout, which notices a dead peer later than KCP does.
 */
public final class KcpSessionDialer implements SessionDialer {

    private final KcpEventLoop loop;
    private final CarrierFactory carriers;
    private final InetSocketAddress server;
    private final TransportSettings settings;
    private final LiveSessions live;

    public KcpSessionDialer(
            KcpEventLoop loop, CarrierFactory carriers, InetSocketAddress server, TransportSettings settings) {
        this(loop, carriers, server, settings, new LiveSessions());
    }

    /** @param live where each dialed session is registered for the status endpoint */
    public KcpSessionDialer(
            KcpEventLoop loop,
            CarrierFactory carriers,
            InetSocketAddress server,
            TransportSettings settings,
            LiveSessions live) {
        this.live = live;
        this.loop = loop;
        this.carriers = carriers;
        this.server = server;
        this.settings = settings;
    }

    @Override
    public TunnelSession dial(int slot) throws IOException {
        PacketCarrier raw = carriers.open(slot);
        PacketCarrier carrier = settings.guard()
                .<PacketCarrier>map(g -> new GuardedCarrier(raw, g))
                .orElse(raw);
        KcpSession kcp;
        try {
            kcp = KcpDialer.dial(
                    loop, carrier, server, settings.kcp(), settings.codecs().get());
        } catch (IOException | RuntimeException e) {
            carrier.close();
            throw e;
        }
        MuxSession mux;
        try {
            mux = MuxSession.client(
                    settings.compression().transport(kcp.inputStream(), kcp.outputStream(), () -> {
                        try {
                            kcp.close();
                        } finally {
                            carrier.close();
                        }
                    }),
                    settings.mux(),
                    settings.memory());
        } catch (IOException | RuntimeException e) {
            kcp.close();
            carrier.close();
            throw e;
        }
        kcp.onClose(mux::close);
        live.add(kcp, mux, Optional.of(carrier));
        return new MuxTunnelSession(mux, server);
    }
}
