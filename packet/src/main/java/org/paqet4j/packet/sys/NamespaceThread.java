package org.paqet4j.packet.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A platform thread that entered a named network namespace ({@code /run/netns/<name>}, as
 * {@code ip netns add} creates it) with setns(2). Sockets created by tasks run here belong to that
 * namespace and keep working from any thread afterwards. A namespace is per thread, which is why
 * this must be a dedicated platform thread and never a virtual one.
 */
public final class NamespaceThread implements AutoCloseable {

    private final String namespace;
    private final ExecutorService executor;

    private NamespaceThread(String namespace, ExecutorService executor) {
        this.namespace = namespace;
        this.executor = executor;
    }

    /** Starts the thread and enters {@code namespace}; fails with the errno if it cannot. */
    public static NamespaceThread enter(String namespace) throws IOException {
        ExecutorService executor = Executors.newSingleThreadExecutor(
                task -> Thread.ofPlatform().daemon().name("netns-" + namespace).unstarted(task));
        NamespaceThread thread = new NamespaceThread(namespace, executor);
        try {
            thread.call(() -> {
                setns(namespace);
                return null;
            });
            return thread;
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        } catch (Exception e) {
            executor.shutdownNow();
            throw new IOException("cannot enter network namespace " + namespace, e);
        }
    }

    private static void setns(String namespace) throws IOException {
        String path = "/run/netns/" + namespace;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoState(arena);
            int fd = Libc.open(errno, arena.allocateFrom(path), Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw Errno.exception("open(" + path + ")", Libc.errno(errno));
            }
            try {
                if (Libc.setns(errno, fd, Libc.CLONE_NEWNET) != 0) {
                    throw Errno.exception("setns(" + path + ", CLONE_NEWNET)", Libc.errno(errno));
                }
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code task} on this thread and returns its result; its exception is rethrown as is. */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return executor.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "thread in netns " + namespace;
    }
}
