package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback TCP and UDP echo servers on virtual threads, for tests. */
public final class EchoServers implements AutoCloseable {

    private final ServerSocket tcp;
    private final DatagramSocket udp;

    public EchoServers() throws IOException {
        tcp = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(() -> {
            while (!tcp.isClosed()) {
                try {
                    Socket s = tcp.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                            s.shutdownOutput();
                        } catch (IOException e) {
                            // peer went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!udp.isClosed()) {
                try {
                    p.setLength(buf.length);
                    udp.receive(p);
                    udp.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int tcpPort() {
        return tcp.getLocalPort();
    }

    public int udpPort() {
        return udp.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        tcp.close();
        udp.close();
    }
}
