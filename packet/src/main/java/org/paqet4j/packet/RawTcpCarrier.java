package org.paqet4j.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.paqet4j.packet.route.MacAddress;
import org.paqet4j.packet.route.NetworkPathException;
import org.paqet4j.packet.route.NextHopResolver;
import org.paqet4j.packet.route.PeerNextHop;
import org.paqet4j.packet.sys.CaptureSocket;
import org.paqet4j.packet.sys.Errno;
import org.paqet4j.packet.sys.InterfaceInfo;
import org.paqet4j.packet.sys.Libc;
import org.paqet4j.packet.wire.PacketParser;
import org.paqet4j.packet.wire.ParseResult;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.packet.wire.TcpPacket;
import org.paqet4j.packet.wire.TcpPacketTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries each datagram as the payload of one hand-crafted TCP segment, below the OS TCP stack
 * (Linux). Receives through an AF_PACKET socket with a kernel BPF filter (inbound TCP to our
 * port), batched with recvmmsg; sends Ethernet frames through AF_PACKET or IP packets through raw
 * IP sockets ({@link SendMode}), batched with sendmmsg. Headers follow paqet's TCP emulation
 * (see {@link TcpPacketTemplate}); receivers never look at flags, sequence or acknowledgement.
 *
 * <p>Sockets belong to the network namespace of the thread that calls {@link #open}. Sends take
 * one of a few off-heap {@link SendSlot}s (no global lock); the hot paths allocate nothing.
 */
public final class RawTcpCarrier implements PacketCarrier {

    private static final Logger LOG = LoggerFactory.getLogger(RawTcpCarrier.class);
    private static final int SO_BINDTODEVICE = 25;
    private static final int MAX_ROUTES = 4096;
    private static final int MAX_PEER_FLAGS = 65_536;

    private static final Duration NEIGHBOUR_TIMEOUT = Duration.ofSeconds(3);
    /** How long a per-peer next hop is trusted before the tables are asked again (routes change). */
    static final Duration NEXT_HOP_REFRESH = Duration.ofSeconds(30);

    private final RawTcpCarrierConfig config;
    private final byte[] ipv4NextHop;
    private final byte[] ipv6NextHop;
    private final InterfaceInfo link;
    private final InetSocketAddress localAddress;
    private final CaptureSocket capture;
    private final int packetFd;
    private final int rawFd4;
    private final int rawFd6;
    private final Arena arena;
    private final SendSlot[] slots;
    private final AtomicIntegerArray slotBusy;
    private final MemorySegment closeErrno;
    private final MutableCarrierCounters counters = new MutableCarrierCounters();
    private final FlagCycle localFlags;
    private final PeerFlagTable peerFlags;
    private final ConcurrentHashMap<InetSocketAddress, PeerRoute> routes = new ConcurrentHashMap<>();
    private final AtomicInteger packetCounter = new AtomicInteger();
    private final int startMillis = (int) System.currentTimeMillis();
    private final PeerTable peers = new PeerTable(MAX_ROUTES);
    private final LearnedNextHops learnedNextHops = new LearnedNextHops(MAX_ROUTES);
    /** Whether some family's next hop is resolved per peer, which wants the frames' source MACs. */
    private final boolean perPeerNextHop;
    /** The tables of the namespace the carrier was opened in; null when every next hop is configured. */
    private final NextHopResolver nextHops;

    private final TcpPacket packet = new TcpPacket();
    private final ByteBuffer receiveView;
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final AtomicInteger activeSenders = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private int batchCount;
    private int batchCursor;

    private RawTcpCarrier(
            RawTcpCarrierConfig config,
            byte[] ipv4NextHop,
            byte[] ipv6NextHop,
            InterfaceInfo link,
            CaptureSocket capture,
            int packetFd,
            int rawFd4,
            int rawFd6,
            Arena arena,
            NextHopResolver nextHops) {
        this.nextHops = nextHops;
        this.config = config;
        this.ipv4NextHop = ipv4NextHop;
        this.ipv6NextHop = ipv6NextHop;
        this.link = link;
        this.capture = capture;
        this.packetFd = packetFd;
        this.rawFd4 = rawFd4;
        this.rawFd6 = rawFd6;
        this.arena = arena;
        this.localAddress = new InetSocketAddress(config.ipv4() != null ? config.ipv4() : config.ipv6(), config.port());
        this.localFlags = new FlagCycle(config.localFlags());
        this.peerFlags = new PeerFlagTable(MAX_PEER_FLAGS, "raw carrier on " + link.name());
        this.perPeerNextHop = nextHops != null;
        int slotCount = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        this.slots = new SendSlot[slotCount];
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new SendSlot(arena);
        }
        this.slotBusy = new AtomicIntegerArray(slotCount);
        this.closeErrno = Libc.newErrnoState(arena);
        this.receiveView = capture.slots().asByteBuffer();
        capture.onDrops(counters::countQueueFull);
    }

    /**
     * Opens the sockets in the calling thread's network namespace. Needs CAP_NET_RAW. In send mode
     * PACKET a family without a configured next-hop MAC resolves one per peer on its first send
     * and again every {@link #NEXT_HOP_REFRESH}: the kernel's route and neighbour tables first,
     * else the source MAC of the frames the peer's packets arrived in, else ARP/NDP for the
     * route's next hop.
     */
    public static RawTcpCarrier open(RawTcpCarrierConfig config) throws IOException {
        InterfaceInfo link = InterfaceInfo.byName(config.interfaceName());
        boolean framed = link.isEthernet() || link.arpHardwareType() == 772;
        byte[] ipv4NextHop = config.ipv4NextHopMac();
        byte[] ipv6NextHop = config.ipv6NextHopMac();
        if (config.sendMode() == SendMode.PACKET && !framed) {
            throw new IOException("raw carrier on " + link.name() + ": send mode PACKET needs an Ethernet link, "
                    + "this one has hardware type " + link.arpHardwareType() + "; use RAW_IP");
        }
        int slotSize = Math.min(65_536, roundUp(Math.max(link.mtu(), 1500) + 64, 64));
        Arena arena = Arena.ofShared();
        MemorySegment errno = Libc.newErrnoState(arena);
        CaptureSocket capture = null;
        int packetFd = -1;
        int rawFd4 = -1;
        int rawFd6 = -1;
        NextHopResolver nextHops = null;
        try {
            if (config.sendMode() == SendMode.PACKET
                    && (config.ipv4() != null && ipv4NextHop == null || config.ipv6() != null && ipv6NextHop == null)) {
                nextHops = NextHopResolver.open();
            }
            capture = CaptureSocket.open(
                    link, config.port(), config.receiveBuffer(), config.receiveBatch(), slotSize, config.receiveRing());
            if (config.sendMode() == SendMode.PACKET) {
                packetFd = packetSendSocket(link, config.sendBuffer(), config.qdiscBypass(), errno, arena);
            } else {
                if (config.ipv4() != null) {
                    rawFd4 = rawSendSocket(Libc.AF_INET, link, config.sendBuffer(), errno, arena);
                }
                if (config.ipv6() != null) {
                    rawFd6 = rawSendSocket(Libc.AF_INET6, link, config.sendBuffer(), errno, arena);
                }
            }
            RawTcpCarrier carrier = new RawTcpCarrier(
                    config, ipv4NextHop, ipv6NextHop, link, capture, packetFd, rawFd4, rawFd6, arena, nextHops);
            LOG.debug(
                    "raw carrier open on {} (index {}, mtu {}), port {}, send mode {}",
                    link.name(),
                    link.index(),
                    link.mtu(),
                    config.port(),
                    config.sendMode());
            return carrier;
        } catch (IOException | RuntimeException e) {
            if (capture != null) {
                capture.close();
            }
            if (nextHops != null) {
                nextHops.close();
            }
            for (int fd : new int[] {packetFd, rawFd4, rawFd6}) {
                if (fd >= 0) {
                    Libc.close(errno, fd);
                }
            }
            arena.close();
            throw e;
        }
    }

    private static int packetSendSocket(
            InterfaceInfo link, int sendBuffer, boolean qdiscBypass, MemorySegment errno, Arena arena)
            throws IOException {
        // protocol 0: a send-only socket that never receives a copy of anything
        int fd = Libc.socket(errno, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Errno.rawSocketException("socket(AF_PACKET, SOCK_RAW) on " + link.name(), Libc.errno(errno));
        }
        try {
            setSendBuffer(fd, sendBuffer, errno, arena, link.name());
            if (qdiscBypass) {
                MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
                one.set(ValueLayout.JAVA_INT, 0, 1);
                if (Libc.setsockopt(errno, fd, Libc.SOL_PACKET, Libc.PACKET_QDISC_BYPASS, one, 4) != 0) {
                    throw Errno.exception("setsockopt(PACKET_QDISC_BYPASS, " + link.name() + ")", Libc.errno(errno));
                }
            }
            if (Libc.bind(errno, fd, CaptureSocket.sockaddrLl(arena, 0, link.index()), Libc.SOCKADDR_LL_SIZE) != 0) {
                throw Errno.exception("bind(AF_PACKET send socket, " + link.name() + ")", Libc.errno(errno));
            }
            return fd;
        } catch (IOException e) {
            Libc.close(errno, fd);
            throw e;
        }
    }

    private static int rawSendSocket(int family, InterfaceInfo link, int sendBuffer, MemorySegment errno, Arena arena)
            throws IOException {
        String what = family == Libc.AF_INET ? "AF_INET" : "AF_INET6";
        // IPPROTO_RAW implies IP_HDRINCL (IPv6 too since Linux 4.5) and never receives
        int fd = Libc.socket(errno, family, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.IPPROTO_RAW);
        if (fd < 0) {
            throw Errno.rawSocketException("socket(" + what + ", SOCK_RAW, IPPROTO_RAW)", Libc.errno(errno));
        }
        try {
            setSendBuffer(fd, sendBuffer, errno, arena, link.name());
            byte[] name = link.name().getBytes(StandardCharsets.US_ASCII);
            MemorySegment device = arena.allocate(Libc.IFNAMSIZ);
            MemorySegment.copy(name, 0, device, ValueLayout.JAVA_BYTE, 0, name.length);
            if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, SO_BINDTODEVICE, device, Libc.IFNAMSIZ) != 0) {
                throw Errno.exception("setsockopt(SO_BINDTODEVICE, " + link.name() + ")", Libc.errno(errno));
            }
            return fd;
        } catch (IOException e) {
            Libc.close(errno, fd);
            throw e;
        }
    }

    private static void setSendBuffer(int fd, int bytes, MemorySegment errno, Arena arena, String where)
            throws IOException {
        if (bytes <= 0) {
            return;
        }
        MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
        value.set(ValueLayout.JAVA_INT, 0, bytes);
        if (Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, value, 4) != 0
                && Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, value, 4) != 0) {
            throw Errno.exception("setsockopt(SO_SNDBUF " + bytes + ") on " + where, Libc.errno(errno));
        }
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress peer) throws IOException {
        PeerRoute route = route(peer);
        int length = datagram.remaining();
        requireNonEmpty(length, peer);
        int flags = flagsFor(peer);
        int headers = route.template.headerLength(flags);
        if (headers + length > SendSlot.AREA_BYTES) {
            throw new IOException("datagram of " + length + " bytes to " + AddressText.of(peer) + " is too large");
        }
        int slotIndex = enter();
        try {
            SendSlot slot = slots[slotIndex];
            slot.areaBuffer.put(headers, datagram, datagram.position(), length);
            int total = route.template.write(slot.area, 0, flags, packetCounter.incrementAndGet(), startMillis, length);
            int fd = fdFor(route);
            byte[] name = route.sockaddr;
            slot.message(0, 0, total, fd == packetFd ? null : name, length);
            sendMessages(slot, fd, 1, peer);
            datagram.position(datagram.limit());
        } finally {
            leave(slotIndex);
        }
    }

    @Override
    public void sendBatch(ByteBuffer[] datagrams, int offset, int count, InetSocketAddress peer) throws IOException {
        if (count <= 0) {
            return;
        }
        PeerRoute route = route(peer);
        int fd = fdFor(route);
        byte[] name = fd == packetFd ? null : route.sockaddr;
        int slotIndex = enter();
        try {
            SendSlot slot = slots[slotIndex];
            int messages = 0;
            long used = 0;
            for (int i = offset; i < offset + count; i++) {
                ByteBuffer datagram = datagrams[i];
                int length = datagram.remaining();
                requireNonEmpty(length, peer);
                int flags = flagsFor(peer);
                int headers = route.template.headerLength(flags);
                int frame = (headers + length + 63) & ~63;
                if (frame > SendSlot.AREA_BYTES) {
                    throw new IOException(
                            "datagram of " + length + " bytes to " + AddressText.of(peer) + " is too large");
                }
                if (messages == SendSlot.MAX_MESSAGES || used + frame > SendSlot.AREA_BYTES) {
                    sendMessages(slot, fd, messages, peer);
                    messages = 0;
                    used = 0;
                }
                slot.areaBuffer.put((int) used + headers, datagram, datagram.position(), length);
                int total = route.template.write(
                        slot.area, used, flags, packetCounter.incrementAndGet(), startMillis, length);
                slot.message(messages++, used, total, name, length);
                datagram.position(datagram.limit());
                used += frame;
            }
            sendMessages(slot, fd, messages, peer);
        } finally {
            leave(slotIndex);
        }
    }

    private static void requireNonEmpty(int length, InetSocketAddress peer) {
        if (length == 0) {
            // a segment without payload is skipped by every receiver (paqet's too): refuse rather than lose it
            throw new IllegalArgumentException("empty datagram to " + AddressText.of(peer));
        }
    }

    /**
     * Sends messages 0..count-1 of {@code slot}, retrying ENOBUFS/EAGAIN with bounded backoff, and
     * counts what the kernel took — also when a later message fails and the rest are reported lost.
     */
    private void sendMessages(SendSlot slot, int fd, int count, InetSocketAddress peer) throws IOException {
        slot.sent = 0;
        try {
            sendAll(slot, fd, count, peer);
        } finally {
            counters.sentBatch(slot.sent, slot.payloadBytes(slot.sent));
        }
    }

    private void sendAll(SendSlot slot, int fd, int count, InetSocketAddress peer) throws IOException {
        int done = 0;
        int attempt = 1;
        while (done < count) {
            MemorySegment from = done == 0 ? slot.messages : slot.messagesFrom(done);
            int sent = Libc.sendmmsg(slot.errno, fd, from, count - done, Libc.MSG_DONTWAIT);
            if (sent > 0) {
                done += sent;
                slot.sent = done;
                attempt = 1;
                continue;
            }
            int errno = sent < 0 ? Libc.errno(slot.errno) : Libc.EAGAIN;
            if (errno == Libc.EINTR) {
                continue;
            }
            if (errno == Libc.ENOBUFS || errno == Libc.EAGAIN) {
                if (SendRetry.backOff(attempt++)) {
                    continue;
                }
                counters.countSendError(Errno.name(errno));
                throw new IOException("send to " + AddressText.of(peer) + " via " + link.name() + " failed: "
                        + Errno.name(errno)
                        + " after " + SendRetry.ATTEMPTS + " attempts (" + (count - done) + " datagrams lost)");
            }
            counters.countSendError(Errno.name(errno));
            throw Errno.exception(
                    "sendmmsg to " + AddressText.of(peer) + " via " + link.name() + " (" + (count - done)
                            + " datagrams)",
                    errno);
        }
    }

    private int fdFor(PeerRoute route) {
        if (packetFd >= 0) {
            return packetFd;
        }
        return route.ipv6 ? rawFd6 : rawFd4;
    }

    private int flagsFor(InetSocketAddress peer) {
        return peerFlags.next(peer, localFlags);
    }

    private void learnNextHop(InetSocketAddress peer, long mac) {
        if (mac >= 0 && learnedNextHops.observe(peer.getAddress(), mac)) {
            routes.remove(peer); // its next hop moved: the next send resolves it again
        }
    }

    private PeerRoute route(InetSocketAddress peer) throws IOException {
        PeerRoute route = routes.get(peer);
        if (route == null || route.stale()) {
            route = newRoute(peer);
            if (routes.size() >= MAX_ROUTES) {
                routes.clear(); // a rare rebuild beats an unbounded map
            }
            routes.put(peer, route);
        }
        return route;
    }

    private PeerRoute newRoute(InetSocketAddress peer) throws IOException {
        InetAddress address = peer.getAddress();
        if (address == null) {
            throw new IOException("peer " + AddressText.of(peer) + " is unresolved");
        }
        boolean v6 = address instanceof Inet6Address;
        InetAddress source = v6 ? config.ipv6() : config.ipv4();
        if (source == null) {
            throw new IOException("raw carrier on " + link.name() + " has no " + (v6 ? "IPv6" : "IPv4")
                    + " source address for peer " + AddressText.of(peer));
        }
        boolean ethernet = config.sendMode() == SendMode.PACKET;
        byte[] nextHop = v6 ? ipv6NextHop : ipv4NextHop;
        boolean resolved = ethernet && nextHop == null;
        if (resolved) {
            nextHop = peerNextHop(address, v6);
        }
        TcpPacketTemplate template = TcpPacketTemplate.of(
                ethernet ? link.mac() : null, nextHop, source, address, config.port(), peer.getPort());
        return new PeerRoute(template, peer, resolved, System.nanoTime() + NEXT_HOP_REFRESH.toNanos());
    }

    /**
     * The next-hop MAC toward {@code peer}: the kernel's neighbour entry for its route's next hop,
     * else the source MAC its frames came in with, else ARP/NDP for the route's next hop.
     */
    private byte[] peerNextHop(InetAddress peer, boolean v6) throws IOException {
        Optional<PeerNextHop> hop = nextHops.lookup(peer, link.index());
        if (hop.isPresent() && hop.get().mac().isPresent()) {
            LOG.debug(
                    "raw carrier on {}: next hop to {} is {} {} at {} (neighbour table)",
                    link.name(),
                    AddressText.of(peer),
                    hop.get().gateway() ? "gateway" : "the peer",
                    AddressText.of(hop.get().address()),
                    hop.get().mac().get());
            return hop.get().mac().get().bytes();
        }
        MacAddress seen = learnedNextHops.of(peer);
        if (seen != null) {
            LOG.debug(
                    "raw carrier on {}: next hop to {} is {} (source of its frames)",
                    link.name(),
                    AddressText.of(peer),
                    seen);
            return seen.bytes();
        }
        if (hop.isPresent()) {
            return nextHops.resolve(
                            hop.get(),
                            link.index(),
                            NEIGHBOUR_TIMEOUT,
                            "; set network." + (v6 ? "ipv6" : "ipv4") + ".router_mac")
                    .bytes();
        }
        throw new NetworkPathException("raw carrier on " + link.name() + ": no route to " + AddressText.of(peer)
                + " through " + link.name() + " and no frame from it to learn its next hop from; set network."
                + (v6 ? "ipv6" : "ipv4") + ".router_mac");
    }

    /** Takes a free send slot, preferring one derived from the thread id; registers as active sender. */
    private int enter() throws ClosedChannelException {
        activeSenders.incrementAndGet();
        if (closed.get()) {
            activeSenders.decrementAndGet();
            throw new ClosedChannelException();
        }
        int n = slots.length;
        int start = (int) (Thread.currentThread().threadId() % n);
        while (true) {
            for (int i = 0; i < n; i++) {
                int index = (start + i) % n;
                if (slotBusy.get(index) == 0 && slotBusy.compareAndSet(index, 0, 1)) {
                    return index;
                }
            }
            Thread.onSpinWait();
        }
    }

    private void leave(int slotIndex) {
        slotBusy.set(slotIndex, 0);
        activeSenders.decrementAndGet();
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return receive(dst, true);
    }

    /** What is left of the last recvmmsg batch (or ring pass); never waits for the kernel. */
    @Override
    public InetSocketAddress receiveNow(ByteBuffer dst) throws IOException {
        return receive(dst, false);
    }

    private InetSocketAddress receive(ByteBuffer dst, boolean wait) throws IOException {
        receiveLock.lock();
        try {
            while (true) {
                if (closed.get()) {
                    throw new ClosedChannelException();
                }
                if (batchCursor == batchCount) {
                    if (!wait) {
                        return null;
                    }
                    batchCursor = 0;
                    batchCount = capture.receiveBatch();
                    continue;
                }
                int i = batchCursor++;
                if (capture.truncated(i)) {
                    counters.countTruncated();
                    continue;
                }
                MemorySegment slots = capture.slots();
                long offset = capture.slotOffset(i);
                ParseResult result = PacketParser.parseIp(slots, offset, capture.length(i), true, packet);
                switch (result) {
                    case OK -> {
                        if (packet.destinationPort() != config.port()) {
                            counters.countNotOurs(1);
                            continue;
                        }
                        int length = packet.payloadLength();
                        if (length > dst.remaining()) {
                            counters.countTruncated();
                            continue;
                        }
                        dst.put(dst.position(), receiveView, (int) packet.payloadOffset(), length);
                        dst.position(dst.position() + length);
                        counters.received(length);
                        InetSocketAddress peer = peers.intern(
                                slots, packet.sourceAddressOffset(), packet.addressLength(), packet.sourcePort());
                        if (perPeerNextHop) {
                            learnNextHop(peer, capture.sourceMac(i));
                        }
                        return peer;
                    }
                    case NOT_TCP, NO_PAYLOAD -> counters.countNotOurs(1);
                    case TRUNCATED -> counters.countTruncated();
                    case BAD_CHECKSUM -> counters.countBadChecksum();
                }
            }
        } finally {
            receiveLock.unlock();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The flags a client asked for replace the local flags on packets to that client. */
    @Override
    public PeerFlags peerFlags() {
        return peerFlags;
    }

    /**
     * The largest datagram that fits the interface MTU in one packet to an IPv4 or IPv6 peer, with
     * the longer SYN header when the local flag list contains SYN (peer flag lists may differ).
     */
    public int maxDatagramSize(boolean ipv6) {
        boolean syn = false;
        for (short mask : config.localFlags()) {
            syn |= (mask & TcpFlags.SYN) != 0;
        }
        return link.mtu()
                - (ipv6 ? TcpPacketTemplate.IPV6_HEADER : TcpPacketTemplate.IPV4_HEADER)
                - (syn ? TcpPacketTemplate.TCP_SYN_HEADER : TcpPacketTemplate.TCP_HEADER);
    }

    /** The interface this carrier was opened on, as the kernel described it. */
    public InterfaceInfo link() {
        return link;
    }

    @Override
    public CarrierCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        capture.wakeUp();
        receiveLock.lock(); // the receiver has left poll/recvmmsg once we hold it
        try {
            while (activeSenders.get() != 0) {
                LockSupport.parkNanos(50_000);
            }
            capture.close();
            for (int fd : new int[] {packetFd, rawFd4, rawFd6}) {
                if (fd >= 0) {
                    Libc.close(closeErrno, fd);
                }
            }
        } finally {
            receiveLock.unlock();
        }
        arena.close();
        if (nextHops != null) {
            nextHops.close();
        }
        LOG.debug("raw carrier on {} port {} closed", link.name(), config.port());
    }

    @Override
    public String toString() {
        return "RawTcpCarrier[" + link.name() + " " + AddressText.of(localAddress) + " " + config.sendMode() + "]";
    }
}
