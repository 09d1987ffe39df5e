package org.paqet4j.packet;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.paqet4j.packet.testing.NetnsPair;

/**
 * One-way packets-per-second between two namespaces (bench/packet-pps.sh runs it): a sender
 * thread in A sends {@code size}-byte datagrams as fast as it can, B's receive loop counts what
 * arrives. Arguments: carrier (raw-packet | raw-ip | udp), batch (1 = send, n = sendBatch of n),
 * seconds, size, family (4 or 6), receive batch (packets per recvmmsg, raw carrier), "ring" to receive
 * through the TPACKET_V2 ring.
 */
public final class PacketPps {

    private PacketPps() {}

    public static void main(String[] args) throws Exception {
        String carrierKind = args.length > 0 ? args[0] : "raw-packet";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 1350;
        boolean ipv6 = args.length > 4 && args[4].equals("6");
        int receiveBatch = args.length > 5 ? Integer.parseInt(args[5]) : 64;
        // options, comma-separated: ring (TPACKET_V2 receive ring), bypass (PACKET_QDISC_BYPASS on send)
        List<String> options = args.length > 6 ? List.of(args[6].split(",")) : List.of();
        boolean ring = options.contains("ring");
        boolean bypass = options.contains("bypass");
        try (NetnsPair pair = NetnsPair.create("pps")) {
            pair.resolveNeighbours();
            if (carrierKind.startsWith("raw") && !"keep".equals(System.getenv("PPS_KERNEL_RST"))) {
                // the capture tap runs before netfilter: dropping here spares B's kernel the TCP lookup and
                // the RST per packet (which otherwise costs as much as the delivery itself)
                NetnsPair.run(
                        "ip",
                        "netns",
                        "exec",
                        pair.b().namespace(),
                        ipv6 ? "ip6tables" : "iptables",
                        "-t",
                        "raw",
                        "-A",
                        "PREROUTING",
                        "-p",
                        "tcp",
                        "--dport",
                        "42002",
                        "-j",
                        "DROP");
            }
            NetnsPair.Side a = pair.a();
            NetnsPair.Side b = pair.b();
            PacketCarrier sender = pair.inA(() -> open(carrierKind, a, b, 42_001, ipv6, receiveBatch, ring, bypass));
            PacketCarrier receiver = pair.inB(() -> open(carrierKind, b, a, 42_002, ipv6, receiveBatch, ring, bypass));
            try (sender;
                    receiver) {
                InetSocketAddress to = new InetSocketAddress(ipv6 ? b.ipv6() : b.ipv4(), 42_002);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread sending =
                        Thread.ofPlatform().name("pps-sender").start(() -> send(sender, to, batch, size, running));
                ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
                long warmupEnd = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < warmupEnd) {
                    dst.clear();
                    receiver.receive(dst);
                }
                ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                long senderCpu0 = cpu.getThreadCpuTime(sending.threadId());
                long receiverCpu0 = cpu.getCurrentThreadCpuTime();
                long received0 = receiver.counters().packetsReceived();
                long sent0 = sender.counters().packetsSent();
                long start = System.nanoTime();
                long end = start + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    dst.clear();
                    receiver.receive(dst);
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                long received = receiver.counters().packetsReceived() - received0;
                long sent = sender.counters().packetsSent() - sent0;
                long senderCpu = cpu.getThreadCpuTime(sending.threadId()) - senderCpu0;
                long receiverCpu = cpu.getCurrentThreadCpuTime() - receiverCpu0;
                running.set(false);
                sending.join(5_000);
                // CPU time per packet (user + system of each thread, softirq work done in its context included)
                // does not depend on what else the machine is doing, unlike the rates
                System.out.printf(
                        Locale.ROOT,
                        "%-10s IPv%d batch %2d/%2d%s size %4d: sent %,9.0f pkt/s, received %,9.0f pkt/s"
                                + " (%5.0f Mbit/s payload); CPU per packet: sender %,5.0f ns, receiver %,5.0f ns; send errors %s%n",
                        carrierKind,
                        ipv6 ? 6 : 4,
                        batch,
                        receiveBatch,
                        (ring ? " ring" : "") + (bypass ? " bypass" : ""),
                        size,
                        sent / elapsed,
                        received / elapsed,
                        received * size * 8 / elapsed / 1e6,
                        (double) senderCpu / Math.max(1, sent),
                        (double) receiverCpu / Math.max(1, received),
                        sender.counters().sendErrors());
            }
        }
    }

    private static PacketCarrier open(
            String kind,
            NetnsPair.Side self,
            NetnsPair.Side other,
            int port,
            boolean ipv6,
            int receiveBatch,
            boolean ring,
            boolean bypass)
            throws Exception {
        return switch (kind) {
            case "udp" -> UdpCarrier.bind(new InetSocketAddress(ipv6 ? self.ipv6() : self.ipv4(), port), 8 << 20);
            case "raw-packet", "raw-ip" ->
                RawTcpCarrier.open(RawTcpCarrierConfig.builder(self.device(), port)
                        .ipv4(self.ipv4(), other.mac())
                        .ipv6(self.ipv6(), other.mac())
                        .receiveBatch(receiveBatch)
                        .receiveRing(ring)
                        .qdiscBypass(bypass)
                        .sendMode(kind.equals("raw-ip") ? SendMode.RAW_IP : SendMode.PACKET)
                        .receiveBuffer(8 << 20)
                        .sendBuffer(4 << 20)
                        .build());
            default -> throw new IllegalArgumentException("carrier must be raw-packet, raw-ip or udp: " + kind);
        };
    }

    private static void send(PacketCarrier carrier, InetSocketAddress to, int batch, int size, AtomicBoolean running) {
        ByteBuffer[] datagrams = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            datagrams[i] = ByteBuffer.allocateDirect(size);
        }
        try {
            while (running.get()) {
                for (ByteBuffer datagram : datagrams) {
                    datagram.clear();
                }
                if (batch == 1) {
                    carrier.send(datagrams[0], to);
                } else {
                    carrier.sendBatch(datagrams, 0, batch, to);
                }
            }
        } catch (Exception e) {
            if (running.get()) {
                System.err.println("sender stopped: " + e);
            }
        }
    }
}
