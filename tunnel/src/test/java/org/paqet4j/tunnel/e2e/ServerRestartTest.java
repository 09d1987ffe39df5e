package org.paqet4j.tunnel.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.paqet4j.tunnel.forward.TcpForward;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.testing.EchoServers;

/** The server dies mid-transfer and comes back on the same port: the client notices and reconnects. */
class ServerRestartTest {

    @Test
    void clientReconnectsWithinThreeSecondsOfTheRestart() throws Exception {
        try (EchoServers echo = new EchoServers();
                TunnelHarness tunnel = TunnelHarness.overKcp("aes-128-gcm", false, 2);
                TcpForward forward = TcpForward.start(
                        new InetSocketAddress(TunnelHarness.LOOPBACK, 0),
                        new Target("127.0.0.1", echo.tcpPort()),
                        tunnel.client)) {
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(10))).isTrue();
            AtomicLong echoed = new AtomicLong();
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread transfer = Thread.ofVirtual().start(() -> {
                try (Socket socket = new Socket(
                        TunnelHarness.LOOPBACK, forward.localAddress().getPort())) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    byte[] chunk = new byte[16 * 1024];
                    while (true) {
                        out.write(chunk);
                        int n = in.readNBytes(chunk, 0, chunk.length);
                        if (n < chunk.length) {
                            throw new IOException("connection ended after " + echoed.get() + " bytes");
                        }
                        echoed.addAndGet(n);
                    }
                } catch (IOException e) {
                    ended.set(e);
                }
            });
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (echoed.get() < 1 << 20 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(echoed.get()).as("bytes echoed before the kill").isGreaterThanOrEqualTo(1 << 20);

            tunnel.killServer();
            end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tunnel.client.liveConnections() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(tunnel.client.liveConnections())
                    .as("client noticed the dead server")
                    .isZero();
            transfer.join(Duration.ofSeconds(10));
            assertThat(ended.get())
                    .as("the interrupted transfer fails instead of hanging")
                    .isNotNull();

            long restart = System.nanoTime();
            tunnel.restartServer();
            assertThat(tunnel.client.awaitConnected(Duration.ofSeconds(3))).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - restart)).isLessThan(Duration.ofSeconds(3));
            try (Socket socket =
                    new Socket(TunnelHarness.LOOPBACK, forward.localAddress().getPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(99);
                assertThat(socket.getInputStream().read()).isEqualTo(99);
            }
        }
    }
}
