package org.paqet4j.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.mux.MuxConfig;
import org.paqet4j.mux.MuxSession;
import org.paqet4j.mux.MuxTransport;
import org.paqet4j.tunnel.access.AccessRules;
import org.paqet4j.tunnel.protocol.StreamHeader;
import org.paqet4j.tunnel.protocol.StreamHeaderWriter;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.MuxTunnelSession;
import org.paqet4j.tunnel.session.TunnelStream;

/**
 * The server's UDP relay over real smux flow control: a client that closes a UDP stream while the
 * target is still answering must not leave the server's reply writer waiting for a window that the
 * closed stream will never reopen (the stream permit and both threads would be held for ever).
 */
class TunnelServerUdpFlowControlTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TunnelServer server;
    private ServerSocket listener;
    private Socket clientSocket;
    private MuxSession client;
    private DatagramChannel target;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (clientSocket != null) {
            clientSocket.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void releasesStreamWhenClientClosesUdpStreamWithRepliesStillFlowing() throws Exception {
        server = new TunnelServer(
                new ServerLimits(4, 8, 16, Duration.ofSeconds(2), Duration.ofSeconds(2)),
                AccessRules.defaults(),
                host -> InetAddress.getAllByName(host),
                (peer, masks) -> {});
        listener = new ServerSocket(0, 1, LOOPBACK);
        clientSocket = new Socket(LOOPBACK, listener.getLocalPort());
        Socket accepted = listener.accept();
        server.serve(new MuxTunnelSession(
                MuxSession.server(
                        new MuxTransport(accepted.getInputStream(), accepted.getOutputStream(), accepted),
                        MuxConfig.paqetDefaults()),
                (InetSocketAddress) accepted.getRemoteSocketAddress()));
        client = MuxSession.client(
                new MuxTransport(clientSocket.getInputStream(), clientSocket.getOutputStream(), clientSocket),
                MuxConfig.paqetDefaults());
        MuxTunnelSession session =
                new MuxTunnelSession(client, (InetSocketAddress) clientSocket.getRemoteSocketAddress());

        target = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        int targetPort = ((InetSocketAddress) target.getLocalAddress()).getPort();
        TunnelStream stream = session.openStream();
        StreamHeaderWriter.write(new StreamHeader.Udp(new Target("127.0.0.1", targetPort)), stream.outputStream());
        stream.writeMessage(new byte[] {1}, 0, 1);

        // The target answers with far more than the initial 256 KiB window; the client never reads.
        ByteBuffer request = ByteBuffer.allocate(16);
        InetSocketAddress relay = (InetSocketAddress) target.receive(request);
        byte[] reply = new byte[1200];
        for (int i = 0; i < 600; i++) {
            target.send(ByteBuffer.wrap(reply), relay);
            if (i % 50 == 0) {
                Thread.sleep(2);
            }
        }
        Thread.sleep(300);
        stream.close();

        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (server.counters().activeStreams() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(server.counters().activeStreams()).isZero();
    }
}
