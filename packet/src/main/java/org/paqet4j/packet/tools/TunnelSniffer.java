package org.paqet4j.packet.tools;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.paqet4j.packet.sys.CaptureSocket;
import org.paqet4j.packet.sys.InterfaceInfo;
import org.paqet4j.packet.wire.PacketParser;
import org.paqet4j.packet.wire.ParseResult;
import org.paqet4j.packet.wire.TcpPacket;

/**
 * Captures the tunnel's inbound packets for one port with the carrier's kernel filter and hands
 * each one to a {@link Listener}, parsed (checksums verified). Packets start at the IP header
 * ({@link PcapWriter#LINKTYPE_RAW}). {@link #run()} blocks until {@link #close()} is called from
 * another thread. Capturing beside a running carrier is fine: each AF_PACKET socket gets a copy.
 */
public final class TunnelSniffer implements AutoCloseable {

    /** Receives every captured packet on the sniffer's thread. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param result what the parser made of it; {@code packet} is filled only for
         *               {@link ParseResult#OK}
         * @param raw    the captured bytes: {@code length} bytes at {@code offset}, valid during the call
         */
        void captured(
                long epochMicros, ParseResult result, TcpPacket packet, MemorySegment raw, long offset, int length)
                throws IOException;
    }

    private final CaptureSocket capture;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ReentrantLock running = new ReentrantLock();
    private final TcpPacket packet = new TcpPacket();
    private final AtomicLong dropped = new AtomicLong();

    private TunnelSniffer(CaptureSocket capture) {
        this.capture = capture;
        capture.onDrops(dropped::addAndGet);
    }

    /**
     * Packets the kernel dropped because the capture queue was full (the listener was too slow),
     * as far as collected: the count is read before each wait for packets.
     */
    public long dropped() {
        return dropped.get();
    }

    /** Opens the capture in the calling thread's network namespace. */
    public static TunnelSniffer open(String interfaceName, int port) throws IOException {
        InterfaceInfo link = InterfaceInfo.byName(interfaceName);
        return new TunnelSniffer(CaptureSocket.open(link, port, 4 << 20, 32, 65_536));
    }

    /** Captures until closed. */
    public void run(Listener listener) throws IOException {
        running.lock();
        try {
            while (!closed.get()) {
                int count = capture.receiveBatch();
                for (int i = 0; i < count; i++) {
                    Instant now = Instant.now();
                    long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
                    long offset = capture.slotOffset(i);
                    int length = capture.length(i);
                    ParseResult result = capture.truncated(i)
                            ? ParseResult.TRUNCATED
                            : PacketParser.parseIp(capture.slots(), offset, length, true, packet);
                    listener.captured(micros, result, packet, capture.slots(), offset, length);
                }
            }
        } finally {
            running.unlock();
        }
    }

    /** Stops {@link #run} (waiting for it to return) and releases the socket. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        capture.wakeUp();
        running.lock();
        try {
            capture.close();
        } finally {
            running.unlock();
        }
    }
}
