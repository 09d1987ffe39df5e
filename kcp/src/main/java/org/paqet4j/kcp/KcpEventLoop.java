package org.paqet4j.kcp;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.packet.memory.MemoryBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives KCP sessions: one platform timer thread runs every session's retransmission timer and
 * the flushes application threads ask for, and one platform receive thread per attached carrier
 * feeds incoming datagrams. A session with nothing in flight, no pending ACKs and no probes is not
 * on the timer at all, so idle sessions cost no CPU besides a once-a-second housekeeping sweep.
 */
public final class KcpEventLoop implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(KcpEventLoop.class);
    private static final long SWEEP_INTERVAL_MS = 1000;

    private final String name;
    private final long originNanos = System.nanoTime();
    private final ConcurrentLinkedQueue<KcpSession> requests = new ConcurrentLinkedQueue<>();
    private final SessionTimerHeap timers = new SessionTimerHeap();
    private final Set<KcpSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<PacketCarrier, CarrierReceiver> receivers = new ConcurrentHashMap<>();
    private final Thread timerThread;
    /** Where the timer thread's flushes collect their datagrams; only that thread uses it. */
    private final OutputBatch timerBatch = new OutputBatch();

    private volatile boolean closed;

    /** What every session of this loop counts its received, unread bytes against. */
    private final MemoryBudget memory;

    private KcpEventLoop(String name, MemoryBudget memory) {
        this.name = name;
        this.memory = Objects.requireNonNull(memory, "memory");
        this.timerThread = Thread.ofPlatform().name(name + "-timer").daemon().unstarted(this::runTimers);
    }

    /** Starts an event loop whose threads are named after {@code name}. */
    public static KcpEventLoop start(String name) {
        return start(name, MemoryBudget.unlimited());
    }

    /**
     * Starts an event loop whose sessions count the bytes they received and nobody read yet against {@code memory}
     * (and shrink their advertised receive windows while it is exhausted).
     */
    public static KcpEventLoop start(String name, MemoryBudget memory) {
        KcpEventLoop loop = new KcpEventLoop(name, memory);
        loop.timerThread.start();
        return loop;
    }

    /** Milliseconds on this loop's monotonic clock. */
    long nowMs() {
        return (System.nanoTime() - originNanos) / 1_000_000L;
    }

    public MemoryBudget memoryBudget() {
        return memory;
    }

    /** Sessions currently owned by this loop. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Sessions currently on the retransmission timer (the rest are idle). */
    int timedSessionCount() {
        return timers.size();
    }

    boolean isClosed() {
        return closed;
    }

    void register(KcpSession session) {
        if (closed) {
            throw new IllegalStateException("event loop " + name + " is closed");
        }
        sessions.add(session);
        session.onClose(() -> sessions.remove(session));
    }

    /**
     * Returns the router of {@code carrier}, starting its receive thread with a router from
     * {@code factory} on first use.
     */
    <R extends DatagramRouter> R attach(PacketCarrier carrier, Class<R> type, Supplier<R> factory) {
        if (closed) {
            throw new IllegalStateException("event loop " + name + " is closed");
        }
        CarrierReceiver receiver = receivers.computeIfAbsent(carrier, c -> {
            CarrierReceiver r = new CarrierReceiver(c, factory.get(), () -> receivers.remove(c));
            Thread.ofPlatform()
                    .name(name + "-recv-" + AddressText.of(c.localAddress()))
                    .daemon()
                    .start(r);
            return r;
        });
        DatagramRouter router = receiver.router();
        if (!type.isInstance(router)) {
            throw new IllegalStateException("carrier " + AddressText.of(carrier.localAddress())
                    + " is already used by a " + router.getClass().getSimpleName());
        }
        return type.cast(router);
    }

    /** Asks the timer thread to act on {@code session} (REQUEST_* bits). */
    void request(KcpSession session, int bits) {
        if (session.addRequest(bits)) {
            if (closed) {
                session.takeRequests();
                if ((bits & KcpSession.REQUEST_CLOSE) != 0) {
                    session.finishClose(nowMs(), new OutputBatch());
                }
                return;
            }
            requests.offer(session);
            LockSupport.unpark(timerThread);
        }
    }

    private void runTimers() {
        long nextSweep = nowMs() + SWEEP_INTERVAL_MS;
        while (!closed) {
            long now = nowMs();
            KcpSession session;
            while ((session = requests.poll()) != null) {
                int bits = session.takeRequests();
                try {
                    if ((bits & KcpSession.REQUEST_CLOSE) != 0) {
                        timers.remove(session);
                        session.finishClose(now, timerBatch);
                    } else if ((bits & KcpSession.REQUEST_FLUSH) != 0) {
                        timers.schedule(session, session.tick(now, timerBatch));
                    } else if ((bits & KcpSession.REQUEST_ARM) != 0) {
                        timers.schedule(session, session.armDeadline(now));
                    }
                } catch (RuntimeException e) {
                    log.error("{}: request failed, closing", session, e);
                    timers.remove(session);
                    session.closeWith(CloseReason.SHUTDOWN);
                }
            }
            KcpSession due;
            while ((due = timers.peek()) != null && due.timerDeadline <= now) {
                timers.remove(due);
                try {
                    timers.schedule(due, due.tick(now, timerBatch));
                } catch (RuntimeException e) {
                    log.error("{}: timer failed, closing", due, e);
                    due.closeWith(CloseReason.SHUTDOWN);
                }
            }
            if (now >= nextSweep) {
                for (KcpSession s : sessions) {
                    s.sweep(now);
                }
                nextSweep = now + SWEEP_INTERVAL_MS;
            }
            KcpSession first = timers.peek();
            long wake = first == null ? nextSweep : Math.min(first.timerDeadline, nextSweep);
            if (requests.isEmpty() && wake > now) {
                LockSupport.parkNanos(this, (wake - now) * 1_000_000L);
            }
        }
    }

    /** Closes every session and stops the timer thread. Carriers stay open (their owners close them). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(timerThread);
        try {
            timerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<KcpSession> remaining = new ArrayList<>(sessions);
        KcpSession queued;
        while ((queued = requests.poll()) != null) {
            remaining.add(queued);
        }
        // The timer thread may not have ended (join timed out): these flushes get their own batch.
        OutputBatch out = new OutputBatch();
        for (KcpSession session : remaining) {
            session.closeWith(CloseReason.SHUTDOWN);
            session.takeRequests();
            session.finishClose(nowMs(), out);
        }
        for (CarrierReceiver receiver : receivers.values()) {
            receiver.stop();
        }
    }
}
