package org.paqet4j.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;

/**
 * Frames per second the bridge forwards (bench/lab-pps.sh runs it): a sender thread in a sends
 * {@code size}-byte datagrams with the raw carrier (sendBatch of 32) as fast as it can, the bridge
 * in m forwards them with {@code impairment}, a raw carrier in b receives them. Arguments:
 * seconds, size, impairment (netem syntax, "" for none).
 */
public final class LabForwardingRate {

    private LabForwardingRate() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1350;
        Impairment impairment = Impairment.parse(args.length > 2 ? args[2] : "");
        try (LabTopology lab = LabTopology.builder(LabTopology.uniquePrefix("pps"))
                .impairment(impairment, Impairment.NONE)
                .start()) {
            LabTopology.Host a = lab.a();
            LabTopology.Host b = lab.b();
            // the capture tap runs before netfilter: dropping here spares b's kernel a RST per packet
            LabTopology.exec(
                            b,
                            "iptables",
                            "-t",
                            "raw",
                            "-A",
                            "PREROUTING",
                            "-p",
                            "tcp",
                            "--dport",
                            "42002",
                            "-j",
                            "DROP")
                    .inheritIO()
                    .start()
                    .waitFor();
            RawTcpCarrier sender = lab.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), 42_001)
                    .ipv4(a.ipv4(), b.mac())
                    .build()));
            RawTcpCarrier receiver = lab.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), 42_002)
                    .ipv4(b.ipv4(), a.mac())
                    .receiveBuffer(8 << 20)
                    .build()));
            try (sender;
                    receiver) {
                InetSocketAddress to = new InetSocketAddress(b.ipv4(), 42_002);
                AtomicBoolean running = new AtomicBoolean(true);
                Thread sending = Thread.ofPlatform().name("lab-sender").start(() -> {
                    ByteBuffer[] batch = new ByteBuffer[32];
                    for (int i = 0; i < batch.length; i++) {
                        batch[i] = ByteBuffer.allocateDirect(size);
                    }
                    while (running.get()) {
                        for (ByteBuffer buffer : batch) {
                            buffer.clear();
                        }
                        try {
                            sender.sendBatch(batch, 0, batch.length, to);
                        } catch (IOException e) {
                            // ENOBUFS after retries: the sender outran the link; keep pushing
                        }
                    }
                });
                ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
                long warmupEnd = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < warmupEnd) {
                    dst.clear();
                    receiver.receive(dst);
                }
                DirectionCounters before = lab.bridge().aToB();
                long received0 = receiver.counters().packetsReceived();
                long start = System.nanoTime();
                long end = start + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    dst.clear();
                    receiver.receive(dst);
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                DirectionCounters after = lab.bridge().aToB();
                long received = receiver.counters().packetsReceived() - received0;
                running.set(false);
                sending.join();
                System.out.printf(
                        Locale.ROOT,
                        "impairment [%s] size %d: bridge received %.0f/s forwarded %.0f/s (%.0f Mbit/s of payload),"
                                + " b received %.0f/s, bridge socket drops %d, refused %d%n",
                        impairment,
                        size,
                        (after.received() - before.received()) / elapsed,
                        (after.forwarded() - before.forwarded()) / elapsed,
                        (after.forwarded() - before.forwarded()) * size * 8 / elapsed / 1e6,
                        received / elapsed,
                        after.kernelDrops() - before.kernelDrops(),
                        after.refused() - before.refused());
            }
        }
    }
}
