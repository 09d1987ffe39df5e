package org.paqet4j.mux;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams the peer opened that nobody has accepted yet. The receive loop adds, {@link MuxSession#acceptStream()}
 * takes; closing empties it and wakes every waiting accept.
 */
final class AcceptBacklog {
    private final String label;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final ArrayDeque<MuxStream> streams = new ArrayDeque<>(); // guarded by lock
    private boolean closed; // guarded by lock

    AcceptBacklog(String label) {
        this.label = label;
    }

    /** Adds a stream for an accept to take; does nothing once closed. */
    void add(MuxStream s) {
        lock.lock();
        try {
            if (!closed) {
                streams.add(s);
                acceptable.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next stream; {@code closedException} once closed, {@link java.net.SocketTimeoutException} at the deadline. */
    MuxStream take(long deadline, MuxSession session) throws IOException {
        Deadlines.lock(lock, deadline, () -> label + " acceptStream");
        try {
            while (true) {
                MuxStream s = streams.poll();
                if (s != null) {
                    return s;
                }
                if (closed) {
                    throw session.closedException("acceptStream");
                }
                Deadlines.await(acceptable, deadline, label + " acceptStream");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the backlog and returns the streams nobody accepted (their owner is now the caller). */
    List<MuxStream> close() {
        lock.lock();
        try {
            closed = true;
            List<MuxStream> pending = new ArrayList<>(streams);
            streams.clear();
            acceptable.signalAll();
            return pending;
        } finally {
            lock.unlock();
        }
    }
}
