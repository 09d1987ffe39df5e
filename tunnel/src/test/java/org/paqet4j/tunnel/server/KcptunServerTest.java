package org.paqet4j.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.testing.EchoServers;
import org.paqet4j.tunnel.testing.MemorySession;

class KcptunServerTest {

    private final EchoServers echo = new EchoServers();
    private final KcptunServer server = new KcptunServer(new Target("127.0.0.1", echo.tcpPort()),
            new ServerLimits(4, 8, 16, Duration.ofSeconds(2), Duration.ofSeconds(2)), InetAddress::getAllByName);

    KcptunServerTest() throws IOException {
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        echo.close();
    }

    @Test
    void drainRefusesNewStreamsButKeepsTheSessionsOpenStreams() throws Exception {
        MemorySession[] pair = MemorySession.pair(new InetSocketAddress("198.18.0.2", 40000),
                new InetSocketAddress("198.18.0.1", 9999));
        server.serve(pair[1]);
        MemorySession session = pair[0];
        try (TunnelStream open = session.openStream()) {
            open.setReadTimeout(Duration.ofSeconds(5));
            open.outputStream().write(1);
            assertThat(open.inputStream().read()).isEqualTo(1);

            server.stopAccepting();
            try (TunnelStream late = session.openStream()) {
                late.setReadTimeout(Duration.ofSeconds(5));
                late.outputStream().write(3);
                assertThat(late.inputStream().read()).isEqualTo(-1);
            }
            open.outputStream().write(2);
            assertThat(open.inputStream().read()).isEqualTo(2);
            assertThat(session.isClosed()).isFalse();
        }
        assertThat(server.awaitDrained(Duration.ofSeconds(5))).isTrue();
    }
}
