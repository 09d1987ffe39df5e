package org.paqet4j.reassembly.pcap;

/**
 * Bounds of IP fragment reassembly. {@code memoryBudget} covers the buffered fragment bytes plus
 * {@link IpDefragmenter#DATAGRAM_OVERHEAD} per datagram in progress; above it the oldest
 * datagrams are dropped. A datagram not complete {@code timeoutNanos} (packet time) after its
 * first fragment is dropped. {@code maxFragments} bounds one datagram's fragment count, so
 * tiny-fragment floods cannot make one datagram expensive to assemble.
 */
public record FragmentLimits(long memoryBudget, long timeoutNanos, int maxFragments) {

    /** Linux's defaults: 4 MiB (ipfrag_high_thresh), 30 s (ipfrag_time); at most 128 fragments per datagram. */
    public static final FragmentLimits DEFAULTS = new FragmentLimits(4L << 20, 30_000_000_000L, 128);

    public FragmentLimits {
        if (memoryBudget < 65_536 + IpDefragmenter.DATAGRAM_OVERHEAD) {
            throw new IllegalArgumentException("fragment memory budget must hold one largest datagram ("
                    + (65_536 + IpDefragmenter.DATAGRAM_OVERHEAD) + " bytes), got " + memoryBudget);
        }
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("fragment timeout must be positive, got " + timeoutNanos + " ns");
        }
        if (maxFragments < 2) {
            throw new IllegalArgumentException("a datagram needs at least 2 fragments, got a limit of " + maxFragments);
        }
    }
}
