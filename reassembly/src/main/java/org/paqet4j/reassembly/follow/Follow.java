package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Path;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.ReassemblyStats;
import org.paqet4j.reassembly.ShardedReassembler;
import org.paqet4j.reassembly.TcpReassembler;
import org.paqet4j.reassembly.TcpSegment;
import org.paqet4j.reassembly.pcap.CaptureReader;
import org.paqet4j.reassembly.pcap.CapturedFrame;
import org.paqet4j.reassembly.pcap.FrameDecoder;

/** A capture file through the reassembler into a {@link FollowPrinter}: what {@code paqet follow -r} does. */
public final class Follow {

    /** What a run saw. */
    public record Result(
            long frames,
            long tcpSegments,
            long notTcp,
            long fragments,
            long datagramsRebuilt,
            long datagramsDropped,
            long malformed,
            long unsupportedLink,
            ReassemblyStats reassembly,
            long outputSpilled) {

        static Result of(
                long frames, long tcpSegments, FrameDecoder decoder, ReassemblyStats reassembly, long outputSpilled) {
            return new Result(
                    frames,
                    tcpSegments,
                    decoder.notTcp(),
                    decoder.fragments(),
                    decoder.reassembledDatagrams(),
                    decoder.droppedDatagrams(),
                    decoder.malformed(),
                    decoder.unsupportedLink(),
                    reassembly,
                    outputSpilled);
        }
    }

    /** How often (in TCP segments) a sharded run moves every shard's clock and lets finished streams print. */
    static final int TICK_SEGMENTS = 4096;

    private Follow() {}

    /**
     * The settings that make the output equal tshark's: no idle timeout (tshark keeps a stream
     * open forever) and buffered data behind a hole never filled or acknowledged is not printed
     * (tshark never prints it either). A closed connection lingers
     * {@link ReassemblyConfig#DEFAULT_LINGER_NANOS} of packet time after its last packet and then
     * ends, so its stream prints without waiting for the end of the capture; only packets on its
     * 4-tuple later than that differ from tshark (they start a new stream).
     */
    public static ReassemblyConfig config(OverlapPolicy policy, long memoryBudget) {
        return ReassemblyConfig.DEFAULTS
                .withMemoryBudget(memoryBudget)
                .withPolicy(policy)
                .withFlushOnClose(false);
    }

    /** @throws org.paqet4j.reassembly.pcap.CaptureFormatException for a malformed file, with the byte offset */
    public static Result run(Path file, Writer out, FollowFormat format, ReassemblyConfig config, long onlyStream)
            throws IOException {
        return run(file, out, format, config, onlyStream, null);
    }

    /** As above; {@code writeDir} (or null) also receives each printed stream's bytes, one file per direction. */
    public static Result run(
            Path file, Writer out, FollowFormat format, ReassemblyConfig config, long onlyStream, Path writeDir)
            throws IOException {
        return run(file, out, format, config, onlyStream, writeDir, FollowPrinter.DEFAULT_HOLD_LIMIT);
    }

    /** As above, holding at most {@code holdLimit} bytes of waiting output in memory (the rest in a temporary file). */
    public static Result run(
            Path file,
            Writer out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit)
            throws IOException {
        return run(file, out, format, config, onlyStream, writeDir, holdLimit, 1);
    }

    /** As above on {@code threads} threads (see the {@link OutputStream} version). */
    public static Result run(
            Path file,
            Writer out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit,
            int threads)
            throws IOException {
        return run(file, new WriterOutputStream(out), format, config, onlyStream, writeDir, holdLimit, threads);
    }

    /**
     * As above, writing bytes (ASCII) to {@code out}. Output waiting for earlier streams to end is
     * held in memory up to {@code holdLimit} bytes, beyond that in a temporary file.
     */
    public static Result run(
            Path file,
            OutputStream out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit)
            throws IOException {
        return run(file, out, format, config, onlyStream, writeDir, holdLimit, 1);
    }

    /**
     * As above on {@code threads} threads: 1 reads, decodes and reassembles on the calling thread;
     * with more, the calling thread reads and decodes while a {@link ShardedReassembler} with that
     * many shards reassembles and its output thread renders. The output is the same either way
     * (see {@link #runSharded}).
     */
    public static Result run(
            Path file,
            OutputStream out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit,
            int threads)
            throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads > 1) {
            return runSharded(file, out, format, config, onlyStream, writeDir, holdLimit, threads);
        }
        FrameDecoder decoder = new FrameDecoder();
        long frames = 0;
        long segments = 0;
        try (FollowPrinter printer = new FollowPrinter(out, format, onlyStream, writeDir, holdLimit, null);
                TcpReassembler reassembler = new TcpReassembler(config, printer);
                CaptureReader reader = CaptureReader.open(file)) {
            CapturedFrame frame;
            while ((frame = reader.next()) != null) {
                frames++;
                TcpSegment segment = decoder.decode(frame);
                if (segment != null) {
                    segments++;
                    reassembler.process(segment);
                }
            }
            // ends every stream, so everything held is printed before the spill file goes
            reassembler.close();
            return Result.of(frames, segments, decoder, reassembler.stats(), printer.spilledBytes());
        } finally {
            out.flush();
        }
    }

    /**
     * The sharded run. Streams are numbered and printed in the order of their first packet, as on
     * one thread; each shard advances its clock by its own packets and by a tick with the latest
     * packet time every {@link #TICK_SEGMENTS} segments, so a connection's linger time ends at the
     * same packet as on one thread when the capture's timestamps do not go backwards. The memory
     * budget is shared evenly between the shards, so under memory pressure evictions (and the
     * output of the evicted connections) can differ from a single-thread run.
     */
    private static Result runSharded(
            Path file,
            OutputStream out,
            FollowFormat format,
            ReassemblyConfig config,
            long onlyStream,
            Path writeDir,
            long holdLimit,
            int shards)
            throws IOException {
        FrameDecoder decoder = new FrameDecoder();
        long frames = 0;
        long segments = 0;
        try (FollowPrinter printer = new FollowPrinter(out, format, onlyStream, writeDir, holdLimit, null);
                CaptureReader reader = CaptureReader.open(file)) {
            ShardedReassembler reassembler = new ShardedReassembler(config, shards, printer);
            try {
                CapturedFrame frame;
                while ((frame = reader.next()) != null) {
                    frames++;
                    TcpSegment segment = decoder.decode(frame);
                    if (segment != null) {
                        segments++;
                        reassembler.submit(segment);
                        if (segments % TICK_SEGMENTS == 0) {
                            reassembler.tick(segment.timestampNanos());
                        }
                    }
                }
            } catch (IOException | RuntimeException | Error | InterruptedException e) {
                // the shards still end every stream and print what they can before the error is reported
                try {
                    reassembler.close();
                } catch (RuntimeException | Error | InterruptedException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw rethrow(e, file);
            }
            try {
                // ends every stream, so everything held is printed before the spill file goes
                reassembler.close();
            } catch (InterruptedException e) {
                throw rethrow(e, file);
            }
            return Result.of(frames, segments, decoder, reassembler.stats(), printer.spilledBytes());
        } finally {
            out.flush();
        }
    }

    /** Returns an {@link IOException} to throw; throws unchecked ones itself. */
    private static IOException rethrow(Throwable e, Path file) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("interrupted while following " + file);
        interrupted.initCause(e);
        return interrupted;
    }
}
