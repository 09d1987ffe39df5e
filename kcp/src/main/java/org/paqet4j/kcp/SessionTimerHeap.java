package org.paqet4j.kcp;

import java.util.Arrays;

/**
 * Min-heap of sessions by {@link KcpSession#timerDeadline}; each session stores its own index so
 * rescheduling is O(log n) without allocation. Owned by the event loop's timer thread.
 */
final class SessionTimerHeap {
    private KcpSession[] heap = new KcpSession[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    KcpSession peek() {
        return size == 0 ? null : heap[0];
    }

    int size() {
        return size;
    }

    /** Sets the session's deadline (inserting, moving or, for NO_DEADLINE, removing it). */
    void schedule(KcpSession session, long deadline) {
        if (deadline == KcpSession.NO_DEADLINE) {
            remove(session);
            return;
        }
        int index = session.heapIndex;
        session.timerDeadline = deadline;
        if (index < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            heap[size] = session;
            session.heapIndex = size;
            size++;
            siftUp(size - 1);
        } else {
            siftUp(index);
            siftDown(session.heapIndex);
        }
    }

    KcpSession poll() {
        KcpSession top = heap[0];
        remove(top);
        return top;
    }

    void remove(KcpSession session) {
        int index = session.heapIndex;
        session.timerDeadline = KcpSession.NO_DEADLINE;
        if (index < 0) {
            return;
        }
        session.heapIndex = -1;
        size--;
        if (index != size) {
            KcpSession moved = heap[size];
            heap[index] = moved;
            moved.heapIndex = index;
            heap[size] = null;
            siftUp(index);
            siftDown(moved.heapIndex);
        } else {
            heap[size] = null;
        }
    }

    private void siftUp(int index) {
        KcpSession session = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            KcpSession p = heap[parent];
            if (p.timerDeadline <= session.timerDeadline) {
                break;
            }
            heap[index] = p;
            p.heapIndex = index;
            index = parent;
        }
        heap[index] = session;
        session.heapIndex = index;
    }

    private void siftDown(int index) {
        KcpSession session = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].timerDeadline < heap[child].timerDeadline) {
                child = right;
            }
            if (session.timerDeadline <= heap[child].timerDeadline) {
                break;
            }
            heap[index] = heap[child];
            heap[index].heapIndex = index;
            index = child;
        }
        heap[index] = session;
        session.heapIndex = index;
    }
}
