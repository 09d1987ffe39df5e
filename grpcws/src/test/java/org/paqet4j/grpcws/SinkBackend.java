package org.paqet4j.grpcws;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A TCP backend that accepts everything and reads and discards it, so tests can drive the bridge's WebSocket side alone. */
final class SinkBackend implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicLong bytes = new AtomicLong();
    private final Thread acceptor;

    SinkBackend() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("sink-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> drain(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void drain(Socket s) {
        byte[] buf = new byte[65536];
        try (s;
                InputStream in = s.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                bytes.addAndGet(n);
            }
        } catch (IOException e) {
            // the bridge closed it: that is how these connections end
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    long bytesReceived() {
        return bytes.get();
    }

    /** Connections the bridge opened that are still open. */
    long openConnections() {
        return accepted.stream().filter(s -> !s.isClosed()).count();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
        try {
            acceptor.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
