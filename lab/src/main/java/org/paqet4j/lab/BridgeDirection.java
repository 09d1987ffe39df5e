package org.paqet4j.lab;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.paqet4j.packet.sys.FrameSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direction of the bridge: a receiver thread reads frames from the ingress socket and decides
 * each frame's fate (the only user of the seeded {@link Random}, so a run is reproducible for a
 * given frame sequence); a scheduler thread writes queued frames to the egress socket when their
 * release time comes. Without delay, jitter, reordering or rate the receiver forwards each batch
 * itself and the queue is not used.
 */
final class BridgeDirection {

    private static final Logger LOG = LoggerFactory.getLogger(BridgeDirection.class);
    private static final int BATCH = 64;
    /** A frame held back for reordering goes out after this long if no next frame comes. */
    private static final long HOLD_LIMIT_NANOS = 10_000_000;

    private final String name;
    private final FrameSocket ingress;
    private final FrameSocket egress;
    private final Impairment impairment;
    private final Random random;
    private final long delayNanos;
    private final long jitterNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Queued> queue = new PriorityQueue<>();
    private final Thread receiver;
    private final Thread scheduler;
    private volatile boolean closed;
    private Queued heldBack;
    private long sequence;
    private long lastRelease;

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong reordered = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private final AtomicLong kernelDrops = new AtomicLong();

    /** A frame waiting for its release time; ties keep arrival order. */
    private static final class Queued implements Comparable<Queued> {
        final byte[] frame;
        long release;
        long order;

        Queued(byte[] frame, long release, long order) {
            this.frame = frame;
            this.release = release;
            this.order = order;
        }

        @Override
        public int compareTo(Queued other) {
            int byTime = Long.compare(release, other.release);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    BridgeDirection(String name, FrameSocket ingress, FrameSocket egress, Impairment impairment, long seed) {
        this.name = name;
        this.ingress = ingress;
        this.egress = egress;
        this.impairment = impairment;
        this.random = new Random(seed);
        this.delayNanos = impairment.delay().toNanos();
        this.jitterNanos = impairment.jitter().toNanos();
        ingress.onDrops(kernelDrops::addAndGet);
        this.receiver =
                Thread.ofPlatform().daemon().name("bridge-" + name + "-receive").unstarted(this::receive);
        this.scheduler = impairment.immediate()
                ? null
                : Thread.ofPlatform()
                        .daemon()
                        .name("bridge-" + name + "-release")
                        .unstarted(this::release);
    }

    void start() {
        receiver.start();
        if (scheduler != null) {
            scheduler.start();
        }
    }

    private void receive() {
        FrameSocket.Sender direct = impairment.immediate() ? egress.sender(BATCH) : null;
        try {
            while (!closed) {
                int n = ingress.receiveBatch();
                long now = System.nanoTime();
                MemorySegment slots = ingress.slots();
                // counted per batch: one atomic add each instead of one per frame
                int tooLong = 0;
                int lost = 0;
                int copied = 0;
                for (int i = 0; i < n; i++) {
                    if (ingress.truncated(i)) {
                        tooLong++;
                        continue;
                    }
                    if (impairment.loss() > 0 && random.nextDouble() < impairment.loss()) {
                        lost++;
                        continue;
                    }
                    int copies = 1;
                    if (impairment.duplicate() > 0 && random.nextDouble() < impairment.duplicate()) {
                        copied++;
                        copies = 2;
                    }
                    MemorySegment frame = slots.asSlice(ingress.slotOffset(i), ingress.length(i));
                    for (int c = 0; c < copies; c++) {
                        if (direct != null) {
                            // the receive slots stay untouched until the next receiveBatch: no copy needed
                            if (!direct.stageInPlace(frame)) {
                                flush(direct);
                                direct.stageInPlace(frame);
                            }
                        } else {
                            enqueue(frame.toArray(ValueLayout.JAVA_BYTE), now);
                        }
                    }
                }
                if (direct != null) {
                    flush(direct);
                }
                received.addAndGet(n - tooLong);
                oversized.addAndGet(tooLong);
                dropped.addAndGet(lost);
                duplicated.addAndGet(copied);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("bridge direction {} stopped receiving", name, e);
            }
        }
    }

    private void flush(FrameSocket.Sender sender) throws IOException {
        int count = sender.staged();
        int lost = sender.flush();
        refused.addAndGet(lost);
        forwarded.addAndGet(count - lost);
    }

    private void enqueue(byte[] frame, long now) {
        long release = now + delayNanos;
        if (jitterNanos > 0) {
            release += (long) ((random.nextDouble() * 2 - 1) * jitterNanos);
        }
        release = Math.max(release, now);
        boolean holdBack = impairment.reorder() > 0 && random.nextDouble() < impairment.reorder();
        lock.lock();
        try {
            if (queue.size() >= impairment.limit()) {
                overflowed.incrementAndGet();
                return;
            }
            if (impairment.rateBitsPerSecond() > 0) {
                // serialisation: a frame leaves only after the one before it has been "on the wire"
                release = Math.max(release, lastRelease)
                        + frame.length * 8L * 1_000_000_000L / impairment.rateBitsPerSecond();
                lastRelease = release;
            }
            if (release > now) {
                delayed.incrementAndGet();
            }
            Queued entry = new Queued(frame, release, sequence++);
            queue.add(entry);
            if (heldBack != null) {
                queue.remove(heldBack);
                heldBack.release = release;
                heldBack.order = sequence++;
                queue.add(heldBack);
                heldBack = null;
                reordered.incrementAndGet();
            } else if (holdBack) {
                entry.release = release + HOLD_LIMIT_NANOS;
                queue.remove(entry);
                queue.add(entry);
                heldBack = entry;
            }
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        FrameSocket.Sender sender = egress.sender(BATCH);
        try {
            while (!closed) {
                lock.lock();
                try {
                    if (closed) {
                        // checked under the lock: stop() signals under it, so no wake-up is missed
                        return;
                    }
                    Queued head = queue.peek();
                    long wait = head == null ? Long.MAX_VALUE : head.release - System.nanoTime();
                    if (wait > 0) {
                        if (head == null) {
                            changed.await();
                        } else {
                            changed.awaitNanos(wait);
                        }
                        continue;
                    }
                    long now = System.nanoTime();
                    while (head != null && head.release <= now && sender.staged() < BATCH) {
                        queue.poll();
                        if (head == heldBack) {
                            heldBack = null;
                        }
                        sender.stage(head.frame);
                        head = queue.peek();
                    }
                } finally {
                    lock.unlock();
                }
                flush(sender);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("bridge direction {} stopped sending", name, e);
            }
        }
    }

    /** Frames waiting in the queue now. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    DirectionCounters counters() {
        return new DirectionCounters(
                received.get(),
                forwarded.get(),
                dropped.get(),
                overflowed.get(),
                duplicated.get(),
                reordered.get(),
                delayed.get(),
                refused.get(),
                oversized.get(),
                kernelDrops.get());
    }

    /**
     * Stops both threads and waits for them, uninterruptibly: the sockets may only be closed once
     * no thread is inside their calls. The sockets stay open (the bridge owns them).
     */
    void stop() {
        closed = true;
        ingress.wakeUp();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = joinUninterruptibly(receiver);
        if (scheduler != null) {
            interrupted |= joinUninterruptibly(scheduler);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }
}
