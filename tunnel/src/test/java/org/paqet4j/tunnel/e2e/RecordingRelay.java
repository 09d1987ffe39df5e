package org.paqet4j.tunnel.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP relay between a client and a server on loopback that records the first client datagrams,
 * as a capture on the path would. Its server-facing socket is the client's source as the server
 * sees it, so datagrams injected through it come "from the client"; a client that is replaced by
 * another one behind the same relay keeps that source address and port.
 */
final class RecordingRelay implements AutoCloseable {

    static final int RECORD = 4000;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    final List<byte[]> recorded = new CopyOnWriteArrayList<>();
    private final DatagramChannel clientSide;
    private final DatagramChannel serverSide;
    private final InetSocketAddress server;
    private volatile InetSocketAddress client;
    private final Thread up;
    private final Thread down;

    RecordingRelay(InetSocketAddress server) throws IOException {
        this.server = server;
        clientSide = DatagramChannel.open()
                .setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .bind(ANY_LOOPBACK);
        serverSide = DatagramChannel.open()
                .setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20)
                .bind(ANY_LOOPBACK);
        up = Thread.ofPlatform().daemon().name("relay-up").start(this::up);
        down = Thread.ofPlatform().daemon().name("relay-down").start(this::down);
    }

    InetSocketAddress clientFacing() throws IOException {
        return (InetSocketAddress) clientSide.getLocalAddress();
    }

    void injectAsClient(byte[] datagram) throws IOException {
        serverSide.send(ByteBuffer.wrap(datagram), server);
    }

    private void up() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buf.clear();
                client = (InetSocketAddress) clientSide.receive(buf);
                buf.flip();
                if (recorded.size() < RECORD) {
                    recorded.add(Arrays.copyOf(buf.array(), buf.limit()));
                }
                serverSide.send(buf, server);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void down() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        try {
            while (true) {
                buf.clear();
                serverSide.receive(buf);
                buf.flip();
                if (client != null) {
                    clientSide.send(buf, client);
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws Exception {
        clientSide.close();
        serverSide.close();
        up.join(5000);
        down.join(5000);
    }
}
