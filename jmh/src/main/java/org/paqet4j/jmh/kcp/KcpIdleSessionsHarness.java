package org.paqet4j.jmh.kcp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.kcp.KcpSession;
import org.paqet4j.kcp.codec.Codecs;
import org.paqet4j.kcp.codec.DatagramCodec;
import org.paqet4j.kcp.codec.KeyDerivation;
import org.paqet4j.packet.CarrierCounters;
import org.paqet4j.packet.PacketCarrier;

/**
 * What idle sessions cost a server: opens N sessions on a {@link KcpListener} (each from its own
 * peer address, one KCP PUSH of 64 bytes, the application reading it on a virtual thread that then
 * blocks in {@code read}), lets them go idle and reports the retained heap per session and the
 * process CPU time spent while they sit idle.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar org.paqet4j.jmh.kcp.KcpIdleSessionsHarness [sessions] [crypt] [idleSeconds]}
 */
public final class KcpIdleSessionsHarness {

    /** Receives datagrams injected with any source address; replies go nowhere. */
    private static final class InjectedCarrier implements PacketCarrier {
        private record Datagram(InetSocketAddress from, byte[] bytes) {}

        private final ArrayBlockingQueue<Datagram> inbox = new ArrayBlockingQueue<>(65_536);
        private final InetSocketAddress local = new InetSocketAddress("127.0.0.1", 4000);
        private volatile boolean closed;
        private volatile long sent;

        void inject(InetSocketAddress from, byte[] bytes) throws InterruptedException {
            inbox.put(new Datagram(from, bytes));
        }

        @Override
        public void send(ByteBuffer datagram, InetSocketAddress peer) {
            datagram.position(datagram.limit());
            sent++;
        }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) throws IOException {
            try {
                while (!closed) {
                    Datagram d = inbox.poll(100, TimeUnit.MILLISECONDS);
                    if (d != null) {
                        dst.put(d.bytes());
                        return d.from();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ClosedChannelException();
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public CarrierCounters counters() {
            return new CarrierCounters.Snapshot(sent, 0, 0, 0, 0, 0, 0, 0, Map.of());
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private KcpIdleSessionsHarness() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String crypt = args.length > 1 ? args[1] : "aes-128-gcm";
        int idleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        byte[] key = KeyDerivation.paqet("idle-harness");
        KcpConfig config = KcpConfig.defaults();

        InjectedCarrier carrier = new InjectedCarrier();
        KcpEventLoop loop = KcpEventLoop.start("idle");
        KcpListener listener = KcpListener.listen(
                loop, carrier, config, () -> Codecs.create(crypt, key, 0, 0), sessions + 10, Duration.ofHours(1));
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    KcpSession session = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        byte[] buf = new byte[4096];
                        try {
                            while (session.inputStream().read(buf) >= 0) {
                                // read the greeting, then block like an idle mux reader
                            }
                        } catch (IOException e) {
                            // closed
                        }
                    });
                }
            } catch (IOException e) {
                // listener closed
            }
        });
        Thread.sleep(500);
        long heapBefore = usedHeapAfterGc();

        DatagramCodec clientCodec = Codecs.create(crypt, key, 0, 0);
        for (int i = 0; i < sessions; i++) {
            InetSocketAddress peer = new InetSocketAddress("10.0." + (i >> 8) + "." + (i & 0xFF), 5000 + i);
            byte[] datagram = pushDatagram(clientCodec, i + 1);
            carrier.inject(peer, datagram);
        }
        while (listener.sessionCount() < sessions) {
            Thread.sleep(50);
        }
        Thread.sleep(2000); // ACKs flushed, readers parked, sessions idle
        long heapAfter = usedHeapAfterGc();

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        Thread.sleep(idleSeconds * 1000L);
        long cpuAfter = os.getProcessCpuTime();

        System.out.printf(
                "sessions: %d (crypt %s, windows %d/%d, mtu %d)%n",
                listener.sessionCount(), crypt, config.sndwnd(), config.rcvwnd(), config.mtu());
        System.out.printf(
                "retained heap: %.1f MiB total, %.1f KiB per session%n",
                (heapAfter - heapBefore) / 1048576.0, (heapAfter - heapBefore) / 1024.0 / sessions);
        System.out.printf(
                "process CPU while idle for %d s: %.1f ms (%.3f%% of one core)%n",
                idleSeconds, (cpuAfter - cpuBefore) / 1e6, (cpuAfter - cpuBefore) / 1e7 / idleSeconds);
        listener.close();
        loop.close();
        carrier.close();
        acceptor.join(1000);
    }

    /** One kcp-go datagram: a PUSH with sn 0 carrying 64 bytes, encoded by {@code codec}. */
    private static byte[] pushDatagram(DatagramCodec codec, int conv) throws IOException {
        int payload = 24 + 64;
        byte[] buf = new byte[codec.headerRoom() + payload + codec.trailerRoom()];
        ByteBuffer b = ByteBuffer.wrap(buf, codec.headerRoom(), payload).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(conv)
                .put((byte) 81)
                .put((byte) 0)
                .putShort((short) 4096)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(64);
        byte[][] out = new byte[1][];
        codec.encode(buf, payload, (bytes, off, len) -> out[0] = Arrays.copyOfRange(bytes, off, off + len));
        return out[0];
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
