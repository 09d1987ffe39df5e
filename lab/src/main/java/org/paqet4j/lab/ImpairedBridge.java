package org.paqet4j.lab;

import java.io.IOException;
import org.paqet4j.packet.sys.FrameSocket;
import org.paqet4j.packet.sys.InterfaceInfo;

/**
 * A two-port layer-2 bridge that impairs what it forwards: every Ethernet frame arriving on one
 * interface (ARP and NDP included, MACs untouched) is written to the other after its direction's
 * {@link Impairment} — netem in userspace, for kernels without {@code sch_netem}. The interfaces
 * must be in promiscuous mode (frames for the far side's MAC are otherwise not all delivered) and
 * the hosts on either side must not use checksum or segmentation offloads
 * ({@link LabTopology} sets both up).
 *
 * <p>Sockets belong to the network namespace of the thread that calls {@link #start}. Two
 * platform threads per direction (receive; release of queued frames), one when the direction
 * needs no queue. {@link #close()} stops the threads, then closes the sockets; queued frames are
 * discarded.
 */
public final class ImpairedBridge implements AutoCloseable {

    /** Bytes of SO_RCVBUF/SO_SNDBUF per socket: a few thousand full frames. */
    private static final int SOCKET_BUFFER = 8 << 20;

    private static final int BATCH = 64;
    private static final int ETHERNET_HEADER = 14;

    private final String interfaceA;
    private final String interfaceB;
    private final FrameSocket socketA;
    private final FrameSocket socketB;
    private final BridgeDirection aToB;
    private final BridgeDirection bToA;
    private boolean closed;

    private ImpairedBridge(
            String interfaceA,
            String interfaceB,
            FrameSocket socketA,
            FrameSocket socketB,
            Impairment aToB,
            Impairment bToA,
            long seed) {
        this.interfaceA = interfaceA;
        this.interfaceB = interfaceB;
        this.socketA = socketA;
        this.socketB = socketB;
        this.aToB = new BridgeDirection(interfaceA + ">" + interfaceB, socketA, socketB, aToB, seed);
        this.bToA = new BridgeDirection(interfaceB + ">" + interfaceA, socketB, socketA, bToA, ~seed);
    }

    /**
     * Opens both ports in the calling thread's network namespace and starts forwarding.
     *
     * @param seed seeds both directions' random decisions (B to A uses its complement)
     */
    public static ImpairedBridge start(
            String interfaceA, String interfaceB, Impairment aToB, Impairment bToA, long seed) throws IOException {
        InterfaceInfo linkA = InterfaceInfo.byName(interfaceA);
        InterfaceInfo linkB = InterfaceInfo.byName(interfaceB);
        if (!linkA.isEthernet() || !linkB.isEthernet()) {
            throw new IOException("bridge " + interfaceA + " <-> " + interfaceB + ": both must be Ethernet links");
        }
        int slotSize = Math.max(linkA.mtu(), linkB.mtu()) + ETHERNET_HEADER;
        FrameSocket socketA = FrameSocket.open(linkA, BATCH, slotSize, SOCKET_BUFFER);
        FrameSocket socketB;
        try {
            socketB = FrameSocket.open(linkB, BATCH, slotSize, SOCKET_BUFFER);
        } catch (IOException | RuntimeException e) {
            socketA.close();
            throw e;
        }
        ImpairedBridge bridge = new ImpairedBridge(interfaceA, interfaceB, socketA, socketB, aToB, bToA, seed);
        bridge.aToB.start();
        bridge.bToA.start();
        return bridge;
    }

    /** Counters of frames from interface A to interface B. */
    public DirectionCounters aToB() {
        return aToB.counters();
    }

    /** Counters of frames from interface B to interface A. */
    public DirectionCounters bToA() {
        return bToA.counters();
    }

    /** Frames waiting in the A to B and B to A queues now. */
    public int queued() {
        return aToB.queued() + bToA.queued();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        aToB.stop();
        bToA.stop();
        socketA.close();
        socketB.close();
    }

    @Override
    public String toString() {
        return "bridge " + interfaceA + " <-> " + interfaceB;
    }
}
