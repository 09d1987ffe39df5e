package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.packet.sys.Libc;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.packet.tools.TunnelSniffer;
import org.paqet4j.packet.wire.TcpFlags;
import org.paqet4j.packet.wire.TcpPacketTemplate;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class RawTcpCarrierTest {

    private static final int PORT_A = 40_001;
    private static final int PORT_B = 40_002;
    private static final int MTU = 1500;

    private static NetnsPair pair;

    @BeforeAll
    static void createNamespaces() throws Exception {
        pair = NetnsPair.create("pk");
    }

    @AfterAll
    static void deleteNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    static RawTcpCarrier openA(SendMode mode, int port) throws Exception {
        return openA(mode, port, false);
    }

    static RawTcpCarrier openA(SendMode mode, int port, boolean ring) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        return pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), port)
                .ipv4(a.ipv4(), b.mac())
                .ipv6(a.ipv6(), b.mac())
                .sendMode(mode)
                .receiveRing(ring)
                // a 1 MiB ring has 512 frames: the tests go round it several times
                .receiveBuffer(ring ? 1 << 20 : 4 << 20)
                .build()));
    }

    static RawTcpCarrier openB(SendMode mode, int port) throws Exception {
        return openB(mode, port, false);
    }

    static RawTcpCarrier openB(SendMode mode, int port, boolean ring) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        return pair.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), port)
                .ipv4(b.ipv4(), a.mac())
                .ipv6(b.ipv6(), a.mac())
                .sendMode(mode)
                .receiveRing(ring)
                // a 1 MiB ring has 512 frames: the tests go round it several times
                .receiveBuffer(ring ? 1 << 20 : 4 << 20)
                .build()));
    }

    @ParameterizedTest
    @CsvSource({
        "PACKET, 4, false",
        "PACKET, 6, false",
        "RAW_IP, 4, false",
        "RAW_IP, 6, false",
        "PACKET, 4, true",
        "PACKET, 6, true"
    })
    void datagramsOfEverySizeUpToTheMtuCrossBothWays(SendMode mode, int family, boolean ring) throws Exception {
        try (RawTcpCarrier a = openA(mode, PORT_A, ring);
                RawTcpCarrier b = openB(mode, PORT_B, ring)) {
            InetAddress addressA = family == 4 ? pair.a().ipv4() : pair.a().ipv6();
            InetAddress addressB = family == 4 ? pair.b().ipv4() : pair.b().ipv6();
            InetSocketAddress toA = new InetSocketAddress(addressA, PORT_A);
            InetSocketAddress toB = new InetSocketAddress(addressB, PORT_B);
            int largest = MTU - (family == 4 ? 20 : 40) - TcpPacketTemplate.TCP_HEADER;
            assertThat(a.maxDatagramSize(family == 6)).isEqualTo(largest);
            Random random = new Random(family * 31L + mode.ordinal());
            ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
            long bytes = 0;
            for (int size = 1; size <= largest; size++) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                a.send(ByteBuffer.wrap(payload), toB);
                assertReceived(b, dst, payload, toA);
                b.send(ByteBuffer.wrap(payload), toA);
                assertReceived(a, dst, payload, toB);
                bytes += size;
            }
            assertThat(a.counters().packetsSent()).isEqualTo(largest);
            assertThat(a.counters().bytesSent()).isEqualTo(bytes);
            assertThat(b.counters().packetsReceived()).isEqualTo(largest);
            assertThat(b.counters().bytesReceived()).isEqualTo(bytes);
            assertThat(b.counters().droppedBadChecksum()).isZero();
            assertThat(a.counters().sendErrors()).isEmpty();
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(largest + 1), toB))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("EMSGSIZE");
            assertThat(a.counters().sendErrors()).containsEntry("EMSGSIZE", 1L);
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(0), toB))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty datagram");
        }
    }

    private static void assertReceived(RawTcpCarrier carrier, ByteBuffer dst, byte[] payload, InetSocketAddress from)
            throws IOException {
        dst.clear();
        InetSocketAddress source = carrier.receive(dst);
        dst.flip();
        byte[] got = new byte[dst.remaining()];
        dst.get(got);
        assertThat(source).isEqualTo(from);
        if (!Arrays.equals(got, payload)) {
            assertThat(got).as("payload of %d bytes", payload.length).isEqualTo(payload);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void batchesCrossAndReceivedPeersAreInterned(boolean ring) throws Exception {
        try (RawTcpCarrier a = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B, ring)) {
            InetSocketAddress toB = new InetSocketAddress(pair.b().ipv4(), PORT_B);
            ByteBuffer[] batch = new ByteBuffer[200];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = ByteBuffer.allocate(1 + i * 7); // up to 1394 bytes
                batch[i].put(0, (byte) i);
            }
            a.sendBatch(batch, 0, batch.length, toB);
            assertThat(batch[199].remaining()).isZero();
            ByteBuffer dst = ByteBuffer.allocate(2048);
            InetSocketAddress first = null;
            int waiting = 0;
            for (int i = 0; i < batch.length; i++) {
                dst.clear();
                // What the last recvmmsg batch (or ring pass) still holds first, without waiting.
                InetSocketAddress source = b.receiveNow(dst);
                if (source != null) {
                    waiting++;
                } else {
                    source = b.receive(dst);
                }
                assertThat(dst.position()).isEqualTo(1 + i * 7);
                assertThat(dst.get(0)).isEqualTo((byte) i);
                if (first == null) {
                    first = source;
                }
                assertThat(source).isSameAs(first);
            }
            assertThat(waiting).as("datagrams taken by receiveNow").isLessThan(batch.length);
            assertThat(b.receiveNow(dst.clear()))
                    .as("nothing left: receiveNow returns at once")
                    .isNull();
            assertThat(a.counters().packetsSent()).isEqualTo(200);
        }
    }

    /** PACKET_QDISC_BYPASS is accepted by the kernel and frames still arrive whole, single and batched. */
    @Test
    void qdiscBypassStillDeliversEveryFrame() throws Exception {
        NetnsPair.Side sideA = pair.a();
        NetnsPair.Side sideB = pair.b();
        try (RawTcpCarrier a = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(sideA.device(), PORT_A)
                        .ipv4(sideA.ipv4(), sideB.mac())
                        .qdiscBypass(true)
                        .build()));
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            InetSocketAddress toB = new InetSocketAddress(sideB.ipv4(), PORT_B);
            ByteBuffer[] batch = new ByteBuffer[100];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = ByteBuffer.allocate(1 + i * 13);
                batch[i].put(0, (byte) i);
            }
            a.send(ByteBuffer.wrap(new byte[] {42}), toB);
            a.sendBatch(batch, 0, batch.length, toB);
            ByteBuffer dst = ByteBuffer.allocate(2048);
            assertThat(b.receive(dst)).isEqualTo(new InetSocketAddress(sideA.ipv4(), PORT_A));
            assertThat(dst.position()).isEqualTo(1);
            for (int i = 0; i < batch.length; i++) {
                dst.clear();
                b.receive(dst);
                assertThat(dst.position()).isEqualTo(1 + i * 13);
                assertThat(dst.get(0)).isEqualTo((byte) i);
            }
            assertThat(a.counters().sendErrors()).isEmpty();
        }
        assertThatThrownBy(() -> RawTcpCarrierConfig.builder("eth0", 1)
                        .ipv4(sideA.ipv4(), sideB.mac())
                        .sendMode(SendMode.RAW_IP)
                        .qdiscBypass(true)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("qdiscBypass applies to send mode PACKET only");
    }

    @Test
    void concurrentSendersEachDeliverEveryDatagramIntact() throws Exception {
        try (RawTcpCarrier a = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            InetSocketAddress toB = new InetSocketAddress(pair.b().ipv4(), PORT_B);
            int threads = 6;
            int perThread = 300;
            List<Thread> senders = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            ByteBuffer datagram = ByteBuffer.allocate(100 + thread);
                            datagram.putInt(0, thread).putInt(4, i);
                            for (int j = 8; j < datagram.capacity(); j++) {
                                datagram.put(j, (byte) (thread * 31 + i + j));
                            }
                            if (i % 2 == 0) {
                                a.send(datagram, toB);
                            } else {
                                a.sendBatch(new ByteBuffer[] {datagram}, 0, 1, toB);
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            int[] next = new int[threads];
            ByteBuffer dst = ByteBuffer.allocate(2048);
            for (int n = 0; n < threads * perThread; n++) {
                dst.clear();
                b.receive(dst);
                int thread = dst.getInt(0);
                int i = dst.getInt(4);
                assertThat(dst.position()).isEqualTo(100 + thread);
                assertThat(i).as("datagrams of one sender stay in order").isEqualTo(next[thread]++);
                for (int j = 8; j < dst.position(); j++) {
                    assertThat(dst.get(j)).isEqualTo((byte) (thread * 31 + i + j));
                }
            }
            for (Thread sender : senders) {
                sender.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(a.counters().packetsSent()).isEqualTo(threads * perThread);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void packetsTheKernelDroppedForAFullQueueAreCounted(boolean ring) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        int sent = 3000;
        try (RawTcpCarrier sender = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier receiver =
                        pair.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), PORT_B)
                                .ipv4(b.ipv4(), a.mac())
                                .receiveRing(ring)
                                .receiveBuffer(ring ? 1 << 20 : 8192)
                                .build()))) {
            ByteBuffer[] batch = new ByteBuffer[30];
            for (int i = 0; i < sent / batch.length; i++) {
                for (int j = 0; j < batch.length; j++) {
                    batch[j] = ByteBuffer.allocate(1000);
                }
                sender.sendBatch(batch, 0, batch.length, new InetSocketAddress(b.ipv4(), PORT_B));
            }
            CompletableFuture<Void> receiving = CompletableFuture.runAsync(() -> {
                ByteBuffer dst = ByteBuffer.allocate(2048);
                try {
                    while (true) {
                        dst.clear();
                        receiver.receive(dst);
                    }
                } catch (IOException closed) {
                    // the test closed the carrier
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            CarrierCounters counters = receiver.counters();
            while (counters.packetsReceived() + counters.droppedQueueFull() < sent && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            receiver.close();
            receiving.get(5, TimeUnit.SECONDS);
            assertThat(counters.droppedQueueFull())
                    .as("a %s queue cannot hold %d packets", ring ? "1 MiB ring" : "8 KiB", sent)
                    .isPositive();
            assertThat(counters.packetsReceived() + counters.droppedQueueFull()).isEqualTo(sent);
        }
    }

    @Test
    void peerFlagsReplaceTheLocalCycleForThatPeerOnly() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (RawTcpCarrier a = openA(SendMode.PACKET, PORT_A);
                TunnelSniffer sniffer =
                        pair.inB(() -> TunnelSniffer.open(pair.b().device(), PORT_B))) {
            CompletableFuture<Void> sniffing = CompletableFuture.runAsync(() -> {
                try {
                    sniffer.run((micros, result, packet, raw, offset, length) -> seen.add(packet.flags()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            InetSocketAddress toB4 = new InetSocketAddress(pair.b().ipv4(), PORT_B);
            InetSocketAddress toB6 = new InetSocketAddress(pair.b().ipv6(), PORT_B);
            a.peerFlags().set(toB4, new short[] {TcpFlags.ACK, TcpFlags.FIN | TcpFlags.ACK});
            for (int i = 0; i < 3; i++) {
                a.send(ByteBuffer.wrap(new byte[] {1}), toB4);
            }
            a.send(ByteBuffer.wrap(new byte[] {1}), toB6);
            a.peerFlags().clear(toB4);
            a.send(ByteBuffer.wrap(new byte[] {1}), toB4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            sniffer.close();
            sniffing.get(5, TimeUnit.SECONDS);
        }
        int pa = TcpFlags.PSH | TcpFlags.ACK;
        assertThat(seen).containsExactly((int) TcpFlags.ACK, TcpFlags.FIN | TcpFlags.ACK, (int) TcpFlags.ACK, pa, pa);
    }

    @Test
    void aBatchFailingHalfWayCountsExactlyWhatWasSent() throws Exception {
        try (RawTcpCarrier a = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            ByteBuffer[] batch = {
                ByteBuffer.allocate(100), ByteBuffer.allocate(101), ByteBuffer.allocate(2000), ByteBuffer.allocate(102)
            };
            assertThatThrownBy(() -> a.sendBatch(
                            batch,
                            0,
                            batch.length,
                            new InetSocketAddress(pair.b().ipv4(), PORT_B)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("EMSGSIZE")
                    .hasMessageContaining("2 datagrams");
            assertThat(a.counters().packetsSent()).isEqualTo(2);
            assertThat(a.counters().bytesSent()).isEqualTo(201);
            ByteBuffer dst = ByteBuffer.allocate(4096);
            b.receive(dst);
            assertThat(dst.position()).isEqualTo(100);
            dst.clear();
            b.receive(dst);
            assertThat(dst.position()).isEqualTo(101);
        }
    }

    @Test
    void packetsToAnotherPortAreNotDelivered() throws Exception {
        try (RawTcpCarrier a = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            a.send(
                    ByteBuffer.wrap(new byte[] {1}),
                    new InetSocketAddress(pair.b().ipv4(), PORT_B + 1));
            a.send(
                    ByteBuffer.wrap(new byte[] {2}),
                    new InetSocketAddress(pair.b().ipv6(), PORT_B + 1));
            a.send(
                    ByteBuffer.wrap(new byte[] {3}),
                    new InetSocketAddress(pair.b().ipv4(), PORT_B));
            ByteBuffer dst = ByteBuffer.allocate(64);
            b.receive(dst);
            assertThat(dst.flip().get()).isEqualTo((byte) 3);
        }
    }

    @Test
    void corruptedPacketsAreCountedAndDropped() throws Exception {
        try (RawTcpCarrier a = openA(SendMode.RAW_IP, PORT_A);
                RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            TcpPacketTemplate template =
                    TcpPacketTemplate.of(null, null, pair.a().ipv4(), pair.b().ipv4(), PORT_A, PORT_B);
            pair.inA(() -> {
                sendCorrupted(template);
                return null;
            });
            a.send(
                    ByteBuffer.wrap(new byte[] {42}),
                    new InetSocketAddress(pair.b().ipv4(), PORT_B));
            ByteBuffer dst = ByteBuffer.allocate(64);
            b.receive(dst);
            assertThat(dst.flip().get()).isEqualTo((byte) 42);
            assertThat(b.counters().droppedBadChecksum()).isEqualTo(1);
            assertThat(b.counters().packetsReceived()).isEqualTo(1);
        }
    }

    @Test
    void ipv6PacketsWithExtensionHeadersPassTheFilterAndAreParsed() throws Exception {
        try (RawTcpCarrier b = openB(SendMode.PACKET, PORT_B)) {
            TcpPacketTemplate template =
                    TcpPacketTemplate.of(null, null, pair.a().ipv6(), pair.b().ipv6(), PORT_A, PORT_B);
            pair.inA(() -> {
                sendWithHopByHopHeader(template, pair.b().ipv6().getAddress());
                return null;
            });
            ByteBuffer dst = ByteBuffer.allocate(64);
            assertThat(b.receive(dst)).isEqualTo(new InetSocketAddress(pair.a().ipv6(), PORT_A));
            assertThat(dst.flip().remaining()).isEqualTo(3);
            assertThat(dst.get(0)).isEqualTo((byte) 0x11);
        }
    }

    /** An IPv6 packet with a hop-by-hop options header (PadN) between the IPv6 and TCP headers. */
    private static void sendWithHopByHopHeader(TcpPacketTemplate template, byte[] destination) throws IOException {
        int flags = TcpFlags.PSH | TcpFlags.ACK;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment plain = arena.allocate(256);
            int headers = template.headerLength(flags);
            MemorySegment.copy(new byte[] {0x11, 0x22, 0x33}, 0, plain, ValueLayout.JAVA_BYTE, headers, 3);
            int length = template.write(plain, 0, flags, 5, 1000, 3);
            MemorySegment packet = arena.allocate(length + 8);
            MemorySegment.copy(plain, 0, packet, 0, 40);
            MemorySegment.copy(new byte[] {6, 0, 1, 4, 0, 0, 0, 0}, 0, packet, ValueLayout.JAVA_BYTE, 40, 8);
            MemorySegment.copy(plain, 40, packet, 48, length - 40);
            packet.set(ValueLayout.JAVA_BYTE, 6, (byte) 0); // next header: hop-by-hop
            packet.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4, (short) (length - 40 + 8));
            MemorySegment errno = Libc.newErrnoState(arena);
            int fd = Libc.socket(errno, Libc.AF_INET6, Libc.SOCK_RAW, Libc.IPPROTO_RAW);
            assertThat(fd).as("raw IPv6 socket, errno %d", Libc.errno(errno)).isPositive();
            try {
                MemorySegment to = arena.allocate(Libc.SOCKADDR_IN6_SIZE);
                to.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET6);
                MemorySegment.copy(destination, 0, to, ValueLayout.JAVA_BYTE, 8, 16);
                long sent = Libc.sendto(errno, fd, packet, length + 8, 0, to, Libc.SOCKADDR_IN6_SIZE);
                assertThat(sent).as("sendto, errno %d", Libc.errno(errno)).isEqualTo(length + 8);
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    /** Sends one IPv4 packet whose TCP checksum no longer matches its payload (raw socket in A). */
    private static void sendCorrupted(TcpPacketTemplate template) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            MemorySegment packet = arena.allocate(256);
            int headers = template.headerLength(TcpFlags.PSH | TcpFlags.ACK);
            packet.set(ValueLayout.JAVA_BYTE, headers, (byte) 7);
            int length = template.write(packet, 0, TcpFlags.PSH | TcpFlags.ACK, 1, 1000, 1);
            packet.set(ValueLayout.JAVA_BYTE, headers, (byte) 8);
            int fd = Libc.socket(errno, Libc.AF_INET, Libc.SOCK_RAW, Libc.IPPROTO_RAW);
            assertThat(fd).as("raw socket, errno %d", Libc.errno(errno)).isPositive();
            try {
                MemorySegment to = arena.allocate(Libc.SOCKADDR_IN_SIZE);
                to.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_INET);
                MemorySegment.copy(packet, 16, to, 4, 4);
                long sent = Libc.sendto(errno, fd, packet, length, 0, to, Libc.SOCKADDR_IN_SIZE);
                assertThat(sent).as("sendto, errno %d", Libc.errno(errno)).isEqualTo(length);
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    @Test
    void withoutAConfiguredMacTheDefaultGatewaysIsResolved() throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        NetnsPair.run(
                "ip",
                "-n",
                a.namespace(),
                "route",
                "replace",
                "default",
                "via",
                b.ipv4().getHostAddress());
        NetnsPair.run(
                "ip",
                "-n",
                a.namespace(),
                "-6",
                "route",
                "replace",
                "default",
                "via",
                b.ipv6().getHostAddress());
        try (RawTcpCarrier sender = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), PORT_A)
                        .ipv4(a.ipv4(), null)
                        .ipv6(a.ipv6(), null)
                        .build()));
                RawTcpCarrier receiver = openB(SendMode.PACKET, PORT_B)) {
            ByteBuffer dst = ByteBuffer.allocate(64);
            for (InetAddress to : new InetAddress[] {b.ipv4(), b.ipv6()}) {
                sender.send(ByteBuffer.wrap(new byte[] {5}), new InetSocketAddress(to, PORT_B));
                dst.clear();
                assertThat(receiver.receive(dst).getAddress()).isIn(a.ipv4(), a.ipv6());
            }
        } finally {
            NetnsPair.run("ip", "-n", a.namespace(), "route", "del", "default");
            NetnsPair.run("ip", "-n", a.namespace(), "-6", "route", "del", "default");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withoutAMacRepliesGoToTheSourceMacOfThePeersFrames(boolean ring) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        // B's kernel cannot learn A's MAC: its entry is gone and A answers no ARP
        NetnsPair.run("ip", "-n", b.namespace(), "neigh", "flush", "dev", b.device());
        NetnsPair.run("ip", "-n", a.namespace(), "link", "set", a.device(), "arp", "off");
        try (RawTcpCarrier sender = openA(SendMode.PACKET, PORT_A);
                RawTcpCarrier answerer =
                        pair.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), PORT_B)
                                .ipv4(b.ipv4(), null)
                                .receiveRing(ring)
                                .build()))) {
            sender.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(b.ipv4(), PORT_B));
            ByteBuffer dst = ByteBuffer.allocate(64);
            InetSocketAddress peer = answerer.receive(dst);
            answerer.send(ByteBuffer.wrap(new byte[] {2}), peer);
            dst.clear();
            assertThat(sender.receive(dst)).isEqualTo(new InetSocketAddress(b.ipv4(), PORT_B));
            assertThat(dst.flip().get()).isEqualTo((byte) 2);
        } finally {
            NetnsPair.run("ip", "-n", a.namespace(), "link", "set", a.device(), "arp", "on");
        }
    }

    @Test
    void withoutAMacSendingToAPeerWithNoRouteAndNoFramesFailsNamingTheSetting() throws Exception {
        NetnsPair.Side a = pair.a();
        // off-link and no default route: neither the kernel's tables nor any received frame name a next hop
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.ofLiteral("198.19.254.1"), PORT_B);
        try (RawTcpCarrier carrier = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), PORT_A)
                .ipv4(a.ipv4(), null)
                .build()))) {
            assertThatThrownBy(() -> carrier.send(ByteBuffer.wrap(new byte[] {1}), nowhere))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("no route to 198.19.254.1")
                    .hasMessageContaining("network.ipv4.router_mac");
        }
    }

    @Test
    void aFullQueueIsRetriedThenReportedNeverCountedAsSent() throws Exception {
        NetnsPair.Side a = pair.a();
        // 8 kbit/s with room for about one frame: the queue fills at once, and AF_PACKET reports ENOBUFS
        NetnsPair.run(
                "ip",
                "netns",
                "exec",
                a.namespace(),
                "tc",
                "qdisc",
                "add",
                "dev",
                a.device(),
                "root",
                "tbf",
                "rate",
                "8kbit",
                "burst",
                "1600",
                "limit",
                "1600");
        try (RawTcpCarrier sender = openA(SendMode.PACKET, PORT_A)) {
            InetSocketAddress toB = new InetSocketAddress(pair.b().ipv4(), PORT_B);
            int sent = 0;
            IOException failure = null;
            long start = 0;
            while (failure == null && sent < 10) {
                start = System.nanoTime();
                try {
                    sender.send(ByteBuffer.allocate(1400), toB);
                    sent++;
                } catch (IOException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("a send must fail once the queue is full").isNotNull();
            assertThat(failure).hasMessageContaining("ENOBUFS after " + SendRetry.ATTEMPTS + " attempts");
            assertThat(System.nanoTime() - start)
                    .as("backed off before giving up")
                    .isGreaterThan(20_000_000L);
            assertThat(sender.counters().packetsSent()).isEqualTo(sent);
            assertThat(sender.counters().sendErrors()).containsEntry("ENOBUFS", 1L);
        } finally {
            NetnsPair.run("ip", "netns", "exec", a.namespace(), "tc", "qdisc", "del", "dev", a.device(), "root");
        }
    }

    @Test
    void loopbackCarriesFramesToItself() throws Exception {
        byte[] zeroMac = new byte[6];
        InetAddress localhost = InetAddress.getByName("127.0.0.1");
        try (RawTcpCarrier one = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder("lo", PORT_A)
                        .ipv4((Inet4Address) localhost, zeroMac)
                        .build()));
                RawTcpCarrier two = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder("lo", PORT_B)
                        .ipv4((Inet4Address) localhost, zeroMac)
                        .build()))) {
            one.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), new InetSocketAddress(localhost, PORT_B));
            one.send(ByteBuffer.wrap(new byte[] {9}), new InetSocketAddress(localhost, PORT_B));
            ByteBuffer dst = ByteBuffer.allocate(64);
            assertThat(two.receive(dst)).isEqualTo(new InetSocketAddress(localhost, PORT_A));
            assertThat(dst.position()).isEqualTo(3);
            dst.clear();
            two.receive(dst);
            assertThat(dst.flip().get())
                    .as("the outgoing copy on lo is not captured a second time")
                    .isEqualTo((byte) 9);
            two.send(ByteBuffer.wrap(new byte[] {4}), new InetSocketAddress(localhost, PORT_A));
            dst.clear();
            one.receive(dst);
            assertThat(dst.flip().get()).isEqualTo((byte) 4);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void closeUnblocksAPendingReceive(boolean ring) throws Exception {
        RawTcpCarrier carrier = openB(SendMode.PACKET, PORT_B, ring);
        CompletableFuture<Throwable> receiving = CompletableFuture.supplyAsync(() -> {
            try {
                carrier.receive(ByteBuffer.allocate(64));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(100);
        carrier.close();
        assertThat(receiving.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> carrier.receive(ByteBuffer.allocate(64))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> carrier.send(ByteBuffer.allocate(1), carrier.localAddress()))
                .isInstanceOf(ClosedChannelException.class);
    }
}
