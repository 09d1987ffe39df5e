package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.paqet4j.packet.sys.CaptureSocket;
import org.paqet4j.packet.sys.InterfaceInfo;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.ReassemblyStats;
import org.paqet4j.reassembly.ShardedReassembler;
import org.paqet4j.reassembly.TcpSegment;
import org.paqet4j.reassembly.filter.CaptureFilter;
import org.paqet4j.reassembly.filter.KernelFilter;
import org.paqet4j.reassembly.pcap.CapturedFrame;
import org.paqet4j.reassembly.pcap.FrameDecoder;
import org.paqet4j.reassembly.pcap.LinkType;

/**
 * {@code paqet follow -i IFACE}: every TCP packet on an interface, both directions, through an
 * AF_PACKET socket (no libpcap), decoded on the capture thread, filtered, and reassembled by a
 * {@link ShardedReassembler}. The flush clock is the wall clock: packets carry their arrival
 * time and a clock thread ticks every {@link #TICK}, so idle timeouts and the linger time run
 * while the link is quiet. On a loopback interface only the received copy of each packet is
 * captured ({@link #skipsOutgoingCopies()}). {@link #stop()} (e.g. from a signal handler) ends the capture; every
 * stream still open then ends with {@code End(CLOSE)} and is printed.
 */
public final class LiveFollow implements AutoCloseable {

    /** How often the flush clock moves and finished streams are printed when packets are rare. */
    public static final Duration TICK = Duration.ofMillis(100);

    private static final int RECEIVE_BUFFER = 8 << 20;
    private static final int BATCH = 64;
    private static final int SLOT = 65_536;

    /** What a live run saw. */
    public record Result(
            long frames,
            long tcpSegments,
            long filteredOut,
            long truncated,
            long kernelDrops,
            long notTcp,
            long malformed,
            ReassemblyStats reassembly) {}

    private final CaptureSocket capture;
    private final String interfaceName;
    private final AtomicLong kernelDrops = new AtomicLong();
    private volatile boolean stopped;
    /** Guarded by {@code this}, with the socket's release. */
    private boolean closed;

    private LiveFollow(CaptureSocket capture, String interfaceName) {
        this.capture = capture;
        this.interfaceName = interfaceName;
        capture.onDrops(kernelDrops::addAndGet);
    }

    /** Opens the capture on {@code interfaceName} in the calling thread's network namespace (needs CAP_NET_RAW). */
    public static LiveFollow open(String interfaceName) throws IOException {
        InterfaceInfo link = InterfaceInfo.byName(interfaceName);
        return new LiveFollow(CaptureSocket.openAllTcp(link, RECEIVE_BUFFER, BATCH, SLOT), interfaceName);
    }

    /**
     * As {@link #open(String)}, with {@code filter} also compiled into the kernel's socket filter
     * ({@link KernelFilter}), so that what it refuses is dropped before it is copied to us. Pass the
     * same filter to {@link #run}: the kernel program lets a superset through (fragments, IPv6
     * extension headers), the filter decides. A filter too long for classic BPF is applied here only.
     */
    public static LiveFollow open(String interfaceName, CaptureFilter filter) throws IOException {
        InterfaceInfo link = InterfaceInfo.byName(interfaceName);
        Optional<long[]> program = KernelFilter.compile(filter);
        CaptureSocket capture = program.isPresent()
                ? CaptureSocket.openAllTcp(link, RECEIVE_BUFFER, BATCH, SLOT, program.get(), "tcp matching the filter")
                : CaptureSocket.openAllTcp(link, RECEIVE_BUFFER, BATCH, SLOT);
        return new LiveFollow(capture, interfaceName);
    }

    public String interfaceName() {
        return interfaceName;
    }

    /**
     * Whether the kernel leaves out the sent copy of each packet: on a loopback interface every
     * packet would otherwise be captured twice (identical copies, so the output would be the same,
     * but all the work doubled).
     */
    public boolean skipsOutgoingCopies() {
        return capture.ignoresOutgoing();
    }

    /** Ends {@link #run} soon. Safe from any thread, idempotent. */
    public void stop() {
        stopped = true;
        // run() may return on the flag alone and the owner close the socket at once: the wake-up
        // must not touch the socket's memory while (or after) it is released
        synchronized (this) {
            if (!closed) {
                capture.wakeUp();
            }
        }
    }

    /** As below, writing the output (ASCII) to {@code out}, flushed whenever streams may have been printed. */
    public Result run(
            CaptureFilter filter,
            Writer out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit,
            int threads)
            throws IOException, InterruptedException {
        return run(filter, new WriterOutputStream(out), format, config, onlyStream, writeDir, holdLimit, threads);
    }

    /**
     * Captures until {@link #stop()}, printing each stream (first-seen order) as it ends; then ends
     * the rest and prints them. {@code threads} reassembly shards.
     */
    public Result run(
            CaptureFilter filter,
            OutputStream out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit,
            int threads)
            throws IOException, InterruptedException {
        FrameDecoder decoder = new FrameDecoder();
        long frames = 0;
        long segments = 0;
        long filteredOut = 0;
        long truncated = 0;
        ShardedReassembler reassembler;
        try (FollowPrinter printer = new FollowPrinter(out, format, onlyStream, writeDir, holdLimit, null)) {
            reassembler = new ShardedReassembler(config, threads, printer, () -> flush(out));
            Thread clock = Thread.ofPlatform().name("follow-clock").daemon().start(() -> tickUntilStopped(reassembler));
            try {
                while (!stopped) {
                    int count = capture.receiveBatch();
                    long now = wallNanos();
                    MemorySegment slots = capture.slots();
                    for (int i = 0; i < count; i++) {
                        frames++;
                        if (capture.truncated(i)) {
                            truncated++;
                            continue;
                        }
                        int length = capture.length(i);
                        byte[] data =
                                slots.asSlice(capture.slotOffset(i), length).toArray(ValueLayout.JAVA_BYTE);
                        TcpSegment segment = decoder.decode(new CapturedFrame(frames, now, LinkType.RAW, data, length));
                        if (segment == null) {
                            continue;
                        }
                        if (!filter.test(segment)) {
                            filteredOut++;
                            continue;
                        }
                        segments++;
                        reassembler.submit(segment);
                    }
                }
            } finally {
                stopped = true;
                clock.interrupt();
                clock.join();
                reassembler.close();
            }
            out.flush();
        }
        return new Result(
                frames,
                segments,
                filteredOut,
                truncated,
                kernelDrops.get(),
                decoder.notTcp() + decoder.unsupportedLink(),
                decoder.malformed(),
                reassembler.stats());
    }

    /** Releases the socket; call after {@link #run} has returned. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            capture.close();
        }
    }

    private void tickUntilStopped(ShardedReassembler reassembler) {
        try {
            while (!stopped) {
                Thread.sleep(TICK);
                reassembler.tick(wallNanos());
            }
        } catch (InterruptedException | IllegalStateException e) {
            // stopped: the reassembler is closing
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("flushing the follow output", e);
        }
    }

    private static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
