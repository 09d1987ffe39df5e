package org.paqet4j.packet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Carries each datagram in a plain UDP datagram: works on any OS without privileges and is what
 * kcptun speaks. Receives on the owner's thread through a blocking {@link DatagramChannel}.
 */
public final class UdpCarrier implements PacketCarrier {

    private static final int SCRATCH_SIZE = 65_536;

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final MutableCarrierCounters counters = new MutableCarrierCounters();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);

    private UdpCarrier(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Binds a UDP socket to {@code bind} (port 0 picks a free port).
     *
     * @param socketBuffer send and receive buffer size in bytes, or 0 for the OS default
     */
    public static UdpCarrier bind(InetSocketAddress bind, int socketBuffer) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            if (socketBuffer > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, socketBuffer);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, socketBuffer);
            }
            channel.bind(bind);
            return new UdpCarrier(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot bind UDP carrier to " + AddressText.of(bind) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        int length = datagram.remaining();
        SendRetry.run(() -> channel.send(datagram, peer) > 0, counters, peer);
        counters.sent(length);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        while (true) {
            scratch.clear();
            InetSocketAddress source = (InetSocketAddress) channel.receive(scratch);
            if (source == null) {
                continue;
            }
            scratch.flip();
            int length = scratch.remaining();
            if (length > dst.remaining()) {
                counters.countTruncated();
                continue;
            }
            dst.put(scratch);
            counters.received(length);
            return source;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public CarrierCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing UDP carrier " + AddressText.of(localAddress), e);
        }
    }
}
