package org.paqet4j.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;
import org.paqet4j.tunnel.testing.EchoServers;
import org.paqet4j.tunnel.testing.MemorySession;

class KcptunServerTest {

    private final EchoServers echo = new EchoServers();
    private final KcptunServer server = new KcptunServer(
            new Target("127.0.0.1", echo.tcpPort()),
            new ServerLimits(4, 8, 16, Duration.ofSeconds(2), Duration.ofSeconds(2)),
            InetAddress::getAllByName);

    KcptunServerTest() throws IOException {}

    @AfterEach
    void stop() throws IOException {
        server.close();
        echo.close();
    }

    @Test
    void drainRefusesNewStreamsButKeepsTheSessionsOpenStreams() throws Exception {
        MemorySession[] pair = MemorySession.pair(
                new InetSocketAddress("198.18.0.2", 40000), new InetSocketAddress("198.18.0.1", 9999));
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

    @Test
    void refusesTheStreamOverThePerSessionLimitLikePaqetMode() throws Exception {
        MemorySession[] pair = MemorySession.pair(
                new InetSocketAddress("198.18.0.2", 40001), new InetSocketAddress("198.18.0.1", 9999));
        server.serve(pair[1]);
        MemorySession session = pair[0];
        List<TunnelStream> open = new ArrayList<>();
        try {
            // The limits allow 8 streams per session: each answers its echo, so all 8 are served.
            for (int i = 0; i < 8; i++) {
                TunnelStream stream = session.openStream();
                open.add(stream);
                stream.setReadTimeout(Duration.ofSeconds(5));
                stream.outputStream().write(i);
                assertThat(stream.inputStream().read()).isEqualTo(i);
            }
            try (TunnelStream ninth = session.openStream()) {
                ninth.setReadTimeout(Duration.ofSeconds(5));
                ninth.outputStream().write(9);
                assertThat(ninth.inputStream().read()).isEqualTo(-1);
            }
            assertThat(server.counters().rejectedStreams()).isEqualTo(1);
            assertThat(server.counters().activeStreams()).isEqualTo(8);
            assertThat(server.counters().activeSessions()).isEqualTo(1);
        } finally {
            open.forEach(TunnelStream::close);
        }
    }
}
