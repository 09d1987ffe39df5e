package org.paqet4j.reassembly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A multi-core front end: segments are routed by {@link ShardRouter} to N worker threads, each
 * owning a single-threaded {@link TcpReassembler} (so each connection lives on one thread and is
 * created exactly once), and every event reaches the caller's {@link StreamFactory} on one output
 * thread.
 *
 * <p>Order of the output: streams are numbered in first-seen order across all shards, exactly as
 * one reassembler would number them. A shard reports each new stream with the frame number of the
 * packet that opened it; the output thread holds it (and buffers its events) until every shard
 * has processed all packets up to that frame number, learnt from progress marks that
 * {@link #tick} sends through each shard's queue behind the packets. Then no earlier stream can
 * still appear, and the stream gets the next index. Each stream's events keep their order.
 *
 * <p>{@link #submit} and {@link #tick} may be called from any thread (they are serialized); frame
 * numbers must increase. The memory budget is divided evenly between the shards. Segments and
 * events travel in batches, so a segment may wait for its batch until the next {@link #tick}:
 * tick at least as often as output should appear.
 */
public final class ShardedReassembler implements AutoCloseable {

    /**
     * Segments and events cross threads in batches of this many: one queue operation (a lock and
     * maybe a wake-up) per batch instead of per packet is what lets a file reader keep the shards
     * busy. Batches are sent early at each {@link #tick} and at the end.
     */
    private static final int BATCH = 128;
    /** Batches waiting for each shard: at most 4096 segments in flight per shard. */
    private static final int INPUT_QUEUE = 32;
    /** Batches of events waiting for the output thread: at most 8192 messages in flight. */
    private static final int OUTPUT_QUEUE = 64;

    private record Segments(TcpSegment[] segments, int count) {}

    private record Tick(long frame, long nanos) {}

    private record Opened(LocalStream stream) {}

    private record Event(LocalStream stream, Direction direction, StreamEvent event) {}

    private record Progress(int shard, long frame) {}

    private record Finished(int shard, ReassemblyStats stats, Throwable failure) {}

    private static final Object STOP = new Object();

    /** A stream as one shard knows it: its shard-local info, and the caller's handler once numbered. */
    private static final class LocalStream {
        final StreamInfo info;
        StreamHandler target;
        List<Event> waiting = new ArrayList<>();

        LocalStream(StreamInfo info) {
            this.info = info;
        }
    }

    private final ShardRouter router;
    private final StreamFactory factory;
    private final List<BlockingQueue<Object>> inputs = new ArrayList<>();
    private final BlockingQueue<Object> output = new ArrayBlockingQueue<>(OUTPUT_QUEUE);
    private final List<Thread> workers = new ArrayList<>();
    private final Thread printer;
    private final ReassemblyStats[] shardStats;
    private final Runnable afterProgress;
    /** Per shard, the batch being filled by {@link #submit}. */
    private final TcpSegment[][] filling;

    private final int[] filled;

    private long lastFrame = Long.MIN_VALUE;
    private boolean closed;
    private volatile Throwable failure;

    /** Starts {@code shards} worker threads and the output thread. */
    public ShardedReassembler(ReassemblyConfig config, int shards, StreamFactory factory) {
        this(config, shards, factory, () -> {});
    }

    /**
     * As above; {@code afterProgress} runs on the output thread each time a tick has passed
     * every shard (e.g. to flush what the handlers wrote).
     */
    public ShardedReassembler(ReassemblyConfig config, int shards, StreamFactory factory, Runnable afterProgress) {
        if (config == null || factory == null || afterProgress == null) {
            throw new IllegalArgumentException("config, factory and afterProgress are required");
        }
        this.afterProgress = afterProgress;
        this.router = new ShardRouter(shards);
        this.factory = factory;
        this.shardStats = new ReassemblyStats[shards];
        this.filling = new TcpSegment[shards][BATCH];
        this.filled = new int[shards];
        long budget = Math.max(ReassemblyConfig.MIN_BUDGET, config.memoryBudget() / shards);
        ReassemblyConfig perShard = config.withMemoryBudget(budget);
        for (int i = 0; i < shards; i++) {
            BlockingQueue<Object> input = new ArrayBlockingQueue<>(INPUT_QUEUE);
            inputs.add(input);
            int shard = i;
            workers.add(Thread.ofPlatform().name("reassembly-shard-" + i).start(() -> work(shard, input, perShard)));
        }
        this.printer = Thread.ofPlatform().name("reassembly-output").start(this::print);
    }

    public int shards() {
        return router.shards();
    }

    /** Hands one segment to its shard (waits while that shard's queue is full). */
    public synchronized void submit(TcpSegment segment) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("reassembler is closed");
        }
        if (segment.frameNumber() <= lastFrame) {
            throw new IllegalArgumentException(
                    "frame numbers must increase: " + segment.frameNumber() + " after " + lastFrame);
        }
        lastFrame = segment.frameNumber();
        int shard = router.shardOf(segment);
        filling[shard][filled[shard]++] = segment;
        if (filled[shard] == BATCH) {
            sendBatch(shard);
        }
    }

    private void sendBatch(int shard) throws InterruptedException {
        if (filled[shard] == 0) {
            return;
        }
        inputs.get(shard).put(new Segments(filling[shard], filled[shard]));
        filling[shard] = new TcpSegment[BATCH];
        filled[shard] = 0;
    }

    /**
     * Moves every shard's flush clock to {@code nanos} (idle timeouts, linger) and lets the
     * output number the streams opened so far. Call it regularly: streams are printed only after
     * a tick has passed every shard.
     */
    public synchronized void tick(long nanos) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("reassembler is closed");
        }
        Tick tick = new Tick(lastFrame, nanos);
        for (int shard = 0; shard < inputs.size(); shard++) {
            sendBatch(shard);
            inputs.get(shard).put(tick);
        }
    }

    /**
     * Ends every stream ({@link EndReason#CLOSE}), waits until every event has reached the
     * factory's handlers and the threads are gone. Rethrows what a handler or shard threw.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int shard = 0; shard < inputs.size(); shard++) {
                sendBatch(shard);
                inputs.get(shard).put(STOP);
            }
        }
        for (Thread worker : workers) {
            worker.join();
        }
        printer.join();
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("reassembly failed: " + t, t);
        }
    }

    /** The shards' counters summed; complete after {@link #close}. */
    public ReassemblyStats stats() {
        long[] sum = new long[12];
        for (ReassemblyStats s : shardStats) {
            if (s == null) {
                continue;
            }
            long[] v = {
                s.packets(),
                s.payloadBytes(),
                s.connectionsActive(),
                s.connectionsCreated(),
                s.connectionsClosed(),
                s.connectionsEvicted(),
                s.gaps(),
                s.gapBytes(),
                s.conflicts(),
                s.outOfOrderSegments(),
                s.bytesDropped(),
                s.memoryUsed()
            };
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        return new ReassemblyStats(
                sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7], sum[8], sum[9], sum[10], sum[11]);
    }

    private void work(int shard, BlockingQueue<Object> input, ReassemblyConfig config) {
        ReassemblyStats stats = null;
        Throwable problem = null;
        Outbox outbox = new Outbox();
        TcpReassembler reassembler = new TcpReassembler(config, info -> {
            LocalStream stream = new LocalStream(info);
            outbox.add(new Opened(stream));
            return (direction, event) -> outbox.add(new Event(stream, direction, event));
        });
        try {
            while (true) {
                Object message = input.take();
                if (message == STOP) {
                    break;
                }
                if (problem != null) {
                    continue; // keep taking, so the front end never blocks on a dead shard
                }
                try {
                    if (message instanceof Segments batch) {
                        for (int i = 0; i < batch.count(); i++) {
                            reassembler.process(batch.segments()[i]);
                        }
                    } else if (message instanceof Tick tick) {
                        reassembler.advanceTime(tick.nanos());
                        outbox.add(new Progress(shard, tick.frame()));
                        outbox.flush();
                    }
                } catch (RuntimeException | Error e) {
                    problem = e;
                }
            }
            if (problem == null) {
                reassembler.close();
                stats = reassembler.stats();
            }
        } catch (InterruptedException e) {
            problem = e;
        } catch (RuntimeException | Error e) {
            problem = e;
        } finally {
            outbox.add(new Progress(shard, Long.MAX_VALUE));
            outbox.add(new Finished(shard, stats, problem));
            outbox.flush();
        }
    }

    /** One shard's messages to the output thread, sent in batches (in order). */
    private final class Outbox {
        private List<Object> messages = new ArrayList<>(BATCH);

        void add(Object message) {
            messages.add(message);
            if (messages.size() == BATCH) {
                flush();
            }
        }

        void flush() {
            if (!messages.isEmpty()) {
                send(messages);
                messages = new ArrayList<>(BATCH);
            }
        }
    }

    /** Waits for room: the output thread never waits on the shards, so this cannot deadlock. */
    private void send(Object message) {
        boolean interrupted = false;
        while (true) {
            try {
                output.put(message);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void print() {
        Numbering numbering = new Numbering(router.shards());
        while (numbering.finished < router.shards()) {
            List<?> batch;
            try {
                batch = (List<?>) output.take();
            } catch (InterruptedException e) {
                failure = e;
                return;
            }
            for (Object message : batch) {
                numbering.handle(message);
            }
        }
    }

    /** The output thread's state: which frames every shard has passed, and the streams not yet numbered. */
    private final class Numbering {
        final long[] progress;
        final PriorityQueue<LocalStream> unnumbered =
                new PriorityQueue<>(Comparator.comparingLong(s -> s.info.firstFrameNumber()));
        long nextIndex;
        final long[] ticks;
        long ticksEverywhere;
        int finished;

        Numbering(int shards) {
            progress = new long[shards];
            Arrays.fill(progress, Long.MIN_VALUE);
            ticks = new long[shards];
        }

        void handle(Object message) {
            try {
                switch (message) {
                    case Opened o -> unnumbered.add(o.stream());
                    case Event e -> {
                        if (failure != null) {
                            // draining only
                        } else if (e.stream().target != null) {
                            e.stream().target.onEvent(e.direction(), e.event());
                        } else {
                            e.stream().waiting.add(e);
                        }
                    }
                    case Progress p -> {
                        progress[p.shard()] = Math.max(progress[p.shard()], p.frame());
                        long everywhere = Long.MAX_VALUE;
                        for (long frame : progress) {
                            everywhere = Math.min(everywhere, frame);
                        }
                        ticks[p.shard()]++;
                        long ticked = Long.MAX_VALUE;
                        for (long n : ticks) {
                            ticked = Math.min(ticked, n);
                        }
                        boolean passed = ticked > ticksEverywhere;
                        ticksEverywhere = ticked;
                        while (!unnumbered.isEmpty() && unnumbered.peek().info.firstFrameNumber() <= everywhere) {
                            LocalStream s = unnumbered.poll();
                            StreamInfo local = s.info;
                            StreamInfo global = new StreamInfo(
                                    nextIndex++,
                                    local.node0(),
                                    local.node1(),
                                    local.firstFrameNumber(),
                                    local.firstTimestampNanos());
                            if (failure != null) {
                                continue;
                            }
                            s.target = factory.open(global);
                            for (Event e : s.waiting) {
                                s.target.onEvent(e.direction(), e.event());
                            }
                            s.waiting = null;
                        }
                        if (passed && failure == null) {
                            afterProgress.run();
                        }
                    }
                    case Finished f -> {
                        finished++;
                        shardStats[f.shard()] = f.stats();
                        if (f.failure() != null && failure == null) {
                            failure = f.failure();
                        }
                    }
                    default -> throw new IllegalStateException("unexpected message " + message);
                }
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }
}
