package org.paqet4j.tunnel.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.testing.MemoryStream;

class TcpRelayTest {

    /** [relay side, test side] of a loopback TCP connection. */
    private static Socket[] socketPair() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket test = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            return new Socket[] {listener.accept(), test};
        }
    }

    @Test
    void halfCloseKeepsTheOtherDirectionFlowing() throws Exception {
        Socket[] sockets = socketPair();
        MemoryStream[] streams = MemoryStream.pair(3);
        Thread relay =
                Thread.ofVirtual().start(() -> TcpRelay.run(sockets[0], streams[0], "test", Duration.ofMillis(300)));
        sockets[1].getOutputStream().write("request".getBytes());
        sockets[1].shutdownOutput();
        streams[1].setReadTimeout(Duration.ofSeconds(5));
        assertThat(streams[1].inputStream().readAllBytes()).isEqualTo("request".getBytes());
        // The response keeps flowing long after the request's FIN, as long as bytes keep coming.
        for (int i = 0; i < 5; i++) {
            streams[1].outputStream().write(i);
            assertThat(sockets[1].getInputStream().read()).isEqualTo(i);
            Thread.sleep(150);
        }
        streams[1].closeWrite();
        assertThat(sockets[1].getInputStream().read()).isEqualTo(-1);
        relay.join(Duration.ofSeconds(5));
        assertThat(relay.isAlive()).isFalse();
        sockets[1].close();
    }

    @Test
    void aHalfClosedConnectionThatGoesIdleIsClosed() throws Exception {
        Socket[] sockets = socketPair();
        MemoryStream[] streams = MemoryStream.pair(5);
        Thread relay =
                Thread.ofVirtual().start(() -> TcpRelay.run(sockets[0], streams[0], "test", Duration.ofMillis(200)));
        // The tunnel side ends; the socket side never sends or closes.
        streams[1].closeWrite();
        sockets[1].setSoTimeout(5000);
        assertThat(sockets[1].getInputStream().read()).isEqualTo(-1);
        relay.join(Duration.ofSeconds(5));
        assertThat(relay.isAlive()).isFalse();
        assertThat(sockets[0].isClosed()).isTrue();
        sockets[1].close();
    }
}
