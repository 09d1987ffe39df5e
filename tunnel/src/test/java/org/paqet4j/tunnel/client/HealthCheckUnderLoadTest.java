package org.paqet4j.tunnel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.server.HostResolver;
import org.paqet4j.tunnel.server.ServerLimits;
import org.paqet4j.tunnel.server.TunnelServer;
import org.paqet4j.tunnel.session.MuxTunnelSession;
import org.paqet4j.tunnel.session.TunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.testing.EchoServers;
import org.paqet4j.tunnel.testing.SlowUplink;

/**
 * The real client and server (smux over loopback TCP) with a slow uplink: a saturated upload puts
 * every PING seconds behind the queued data (as KCP's send window does), while the server's smux
 * keepalive NOPs keep arriving on the fast downlink. A PING queued behind the full upload must not be taken for a dead server.
 */
class HealthCheckUnderLoadTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** 256 KiB queued at 128 KiB/s: whatever is written behind a full queue waits 2 s. */
    private static final int QUEUE = 256 * 1024;

    private static final int RATE = 128 * 1024;

    private final TunnelServer server =
            new TunnelServer(ServerLimits.defaults(), AccessRules.defaults(), HostResolver.SYSTEM, (peer, masks) -> {});
    private final MuxConfig mux =
            MuxConfig.paqetDefaults().withKeepAlive(Duration.ofMillis(100), Duration.ofSeconds(5));
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger dials = new AtomicInteger();
    /** Once set, the server's downlink swallows everything: a peer gone silent, its socket still open. */
    private final AtomicBoolean blackhole = new AtomicBoolean();

    private ServerSocket listener;
    private TunnelClient client;

    private TunnelSession dial(int slot) throws IOException {
        dials.incrementAndGet();
        Socket socket = new Socket(LOOPBACK, listener.getLocalPort());
        sockets.add(socket);
        Socket accepted = listener.accept();
        sockets.add(accepted);
        OutputStream downlink = new FilterOutputStream(accepted.getOutputStream()) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!blackhole.get()) {
                    out.write(b, off, len);
                }
            }
        };
        server.serve(new MuxTunnelSession(
                MuxSession.server(new MuxTransport(accepted.getInputStream(), downlink, accepted), mux),
                (InetSocketAddress) accepted.getRemoteSocketAddress()));
        SlowUplink uplink = new SlowUplink(socket.getOutputStream(), QUEUE, RATE);
        MuxSession session = MuxSession.client(
                new MuxTransport(socket.getInputStream(), uplink, () -> {
                    uplink.close();
                    socket.close();
                }),
                mux);
        return new MuxTunnelSession(session, (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    @Test
    void aSaturatedSlowUploadDoesNotCloseAHealthySession() throws Exception {
        listener = new ServerSocket(0, 4, LOOPBACK);
        // Health check every 200 ms, PONG expected within 500 ms: four times shorter than the queueing delay.
        client = new TunnelClient(
                new ClientOptions(
                        1,
                        new short[] {TcpFlags.parse("PA")},
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(200),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(5)),
                this::dial);
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        try (EchoServers echo = new EchoServers();
                TunnelStream upload = client.openTcp(new Target("127.0.0.1", echo.tcpPort()))) {
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    upload.inputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the stream closes at the end of the test
                }
            });
            AtomicReference<IOException> uploadFailure = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[16 * 1024];
                long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                try {
                    while (System.nanoTime() < end) {
                        upload.outputStream().write(chunk);
                    }
                } catch (IOException e) {
                    uploadFailure.set(e);
                }
            });
            Thread.sleep(1000);
            // The precondition: a PING now really waits longer than the ping timeout.
            assertThatThrownBy(client::ping).hasMessageContaining("no PONG");
            writer.join(Duration.ofSeconds(10));
            assertThat(uploadFailure.get()).isNull();
            assertThat(dials.get()).isEqualTo(1);
            assertThat(client.liveConnections()).isEqualTo(1);
            upload.close();
            drain.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerThatFallsSilentIsClosedWithinHealthIntervalPlusPingTimeout() throws Exception {
        listener = new ServerSocket(0, 4, LOOPBACK);
        client = new TunnelClient(
                new ClientOptions(
                        1,
                        new short[] {TcpFlags.parse("PA")},
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(200),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(5)),
                this::dial);
        client.start();
        assertThat(client.awaitConnected(Duration.ofSeconds(5))).isTrue();
        // Nothing more comes from the server (no PONG, no NOP) while its socket stays open; the
        // client's own smux keepalive timeout is 5 s, the health check must be quicker.
        blackhole.set(true);
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(5).toNanos();
        while (dials.get() < 2 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(dials.get()).isGreaterThanOrEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
}
