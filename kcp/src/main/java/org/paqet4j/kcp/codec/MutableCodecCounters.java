package org.paqet4j.kcp.codec;

/**
 * Counters written by the codec's single owning thread and read by anyone (status, tests):
 * volatile with one writer, so increments are never lost and readers see recent values.
 */
final class MutableCodecCounters implements CodecCounters {

    private volatile long badChecksum;
    private volatile long badTag;
    private volatile long malformed;
    private volatile long fecRecovered;

    void countBadChecksum() {
        badChecksum++;
    }

    void countBadTag() {
        badTag++;
    }

    void countMalformed() {
        malformed++;
    }

    void countFecRecovered() {
        fecRecovered++;
    }

    @Override
    public long badChecksum() {
        return badChecksum;
    }

    @Override
    public long badTag() {
        return badTag;
    }

    @Override
    public long malformed() {
        return malformed;
    }

    @Override
    public long fecRecovered() {
        return fecRecovered;
    }

    @Override
    public String toString() {
        return "CodecCounters[badChecksum=" + badChecksum + ", badTag=" + badTag + ", malformed=" + malformed
                + ", fecRecovered=" + fecRecovered + "]";
    }
}
