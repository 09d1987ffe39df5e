package org.paqet4j.packet;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The counters a carrier updates; {@link LongAdder}s so concurrent senders do not contend. */
final class MutableCarrierCounters implements CarrierCounters {

    private final LongAdder packetsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder droppedNotOurs = new LongAdder();
    private final LongAdder droppedTruncated = new LongAdder();
    private final LongAdder droppedBadChecksum = new LongAdder();
    private final LongAdder droppedQueueFull = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> sendErrors = new ConcurrentHashMap<>();

    void sent(int bytes) {
        packetsSent.increment();
        bytesSent.add(bytes);
    }

    void sentBatch(int packets, long bytes) {
        packetsSent.add(packets);
        bytesSent.add(bytes);
    }

    void received(int bytes) {
        packetsReceived.increment();
        bytesReceived.add(bytes);
    }

    void countNotOurs(int packets) {
        droppedNotOurs.add(packets);
    }

    void countTruncated() {
        droppedTruncated.increment();
    }

    void countBadChecksum() {
        droppedBadChecksum.increment();
    }

    void countQueueFull() {
        droppedQueueFull.increment();
    }

    void countQueueFull(long packets) {
        droppedQueueFull.add(packets);
    }

    void countSendError(String errno) {
        sendErrors.computeIfAbsent(errno, k -> new LongAdder()).increment();
    }

    @Override
    public long packetsSent() {
        return packetsSent.sum();
    }

    @Override
    public long bytesSent() {
        return bytesSent.sum();
    }

    @Override
    public long packetsReceived() {
        return packetsReceived.sum();
    }

    @Override
    public long bytesReceived() {
        return bytesReceived.sum();
    }

    @Override
    public long droppedNotOurs() {
        return droppedNotOurs.sum();
    }

    @Override
    public long droppedTruncated() {
        return droppedTruncated.sum();
    }

    @Override
    public long droppedBadChecksum() {
        return droppedBadChecksum.sum();
    }

    @Override
    public long droppedQueueFull() {
        return droppedQueueFull.sum();
    }

    @Override
    public Map<String, Long> sendErrors() {
        Map<String, Long> copy = new TreeMap<>();
        sendErrors.forEach((errno, count) -> copy.put(errno, count.sum()));
        return copy;
    }
}
