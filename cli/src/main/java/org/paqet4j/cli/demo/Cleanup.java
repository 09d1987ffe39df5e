package org.paqet4j.cli.demo;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Everything the demo made (namespaces, processes, files), undone in reverse order exactly once:
 * at the normal end, on failure, or from the Ctrl-C shutdown hook. Making a thing and recording it
 * happen under one lock, and nothing new can be made once cleanup has begun, so a hook that runs
 * while the demo is still setting up cannot miss a namespace or a process created a moment later.
 */
final class Cleanup implements AutoCloseable {
    /** Makes one thing and returns how to undo it. */
    @FunctionalInterface
    interface Step {
        AutoCloseable make() throws IOException;
    }

    private record Entry(String what, AutoCloseable undo) {}

    private final Deque<Entry> made = new ArrayDeque<>();
    private final Consumer<String> problems;
    private boolean closed;

    /** @param problems receives one line per undo that failed */
    Cleanup(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Runs {@code step} and records its undo; refuses once cleanup has begun. */
    synchronized void make(String what, Step step) throws IOException {
        if (closed) {
            throw new IOException("stopped before " + what + ": cleaning up");
        }
        made.push(new Entry(what, step.make()));
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        closed = true;
        while (!made.isEmpty()) {
            Entry e = made.pop();
            try {
                e.undo().close();
            } catch (Exception ex) {
                problems.accept("removing " + e.what() + ": " + ex.getMessage());
            }
        }
    }
}
