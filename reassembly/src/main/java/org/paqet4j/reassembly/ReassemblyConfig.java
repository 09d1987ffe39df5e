package org.paqet4j.reassembly;

import java.net.InetAddress;
import java.util.List;

/**
 * Settings of a {@link TcpReassembler}.
 *
 * @param policy             how overlapping buffered copies are resolved, unless a host policy matches
 * @param memoryBudget       bytes for buffered out-of-order data plus a fixed estimate per
 *                           connection; above it the oldest hole is skipped, then the least
 *                           recently active connection is dropped
 * @param perConnectionCap   buffered bytes one connection may hold before its own oldest hole is skipped
 * @param idleTimeoutNanos   a connection idle this long (in packet time) is ended; 0 = never
 * @param flushOnClose       on close and timeout, deliver buffered data after a {@link StreamEvent.Gap}
 *                           (true), or drop it as tshark's follow does (false)
 * @param hostPolicies       per-network policies for the receiving host of a direction; the first
 *                           match wins, {@code policy} applies to everything else
 * @param ackGated           deliver only bytes the receiver has acknowledged (an IDS sees what the
 *                           host accepted); reassembled bytes wait, counted in the budget, until
 *                           an ACK covers them
 * @param lingerNanos        a closed connection (FIN from both sides, or an accepted RST) that has
 *                           seen no packet for this long (packet time) ends and is released, so its
 *                           output is complete and its memory freed; later packets on the 4-tuple
 *                           start a new stream. Late retransmissions within it are still handled
 *                           as by an open connection. 0 = closed connections stay until idle
 *                           timeout, reuse, eviction or close
 */
public record ReassemblyConfig(
        OverlapPolicy policy,
        long memoryBudget,
        long perConnectionCap,
        long idleTimeoutNanos,
        boolean flushOnClose,
        List<HostPolicy> hostPolicies,
        boolean ackGated,
        long lingerNanos) {

    /**
     * How long a closed connection lingers by default: 2 s of packet time. A peer retransmits an
     * unacknowledged final segment or FIN after its retransmission timeout, which starts at 1 s
     * (RFC 6298; Linux goes down to 200 ms), so such late copies fall within it.
     */
    public static final long DEFAULT_LINGER_NANOS = 2_000_000_000L;

    /** 64 MiB budget, 4 MiB per connection, BSD, no idle timeout, flush on close, 2 s linger. */
    public static final ReassemblyConfig DEFAULTS = new ReassemblyConfig(
            OverlapPolicy.BSD, 64L << 20, 4L << 20, 0, true, List.of(), false, DEFAULT_LINGER_NANOS);

    /** Smallest budget: a few maximum-size segments, so one packet can always be taken in. */
    public static final long MIN_BUDGET = 1L << 18;

    public ReassemblyConfig {
        if (policy == null) {
            throw new IllegalArgumentException("policy is null");
        }
        if (memoryBudget < MIN_BUDGET) {
            throw new IllegalArgumentException(
                    "memoryBudget must be at least " + MIN_BUDGET + " bytes, got " + memoryBudget);
        }
        if (perConnectionCap < 1 << 16 || perConnectionCap > memoryBudget) {
            throw new IllegalArgumentException("perConnectionCap must be between 65536 and memoryBudget ("
                    + memoryBudget + "), got " + perConnectionCap);
        }
        if (idleTimeoutNanos < 0) {
            throw new IllegalArgumentException("idleTimeoutNanos must be >= 0, got " + idleTimeoutNanos);
        }
        if (lingerNanos < 0) {
            throw new IllegalArgumentException("lingerNanos must be >= 0, got " + lingerNanos);
        }
        hostPolicies = List.copyOf(hostPolicies);
    }

    /** The policy for bytes sent to {@code receiver}. */
    public OverlapPolicy policyFor(InetAddress receiver) {
        for (HostPolicy rule : hostPolicies) {
            if (rule.contains(receiver)) {
                return rule.policy();
            }
        }
        return policy;
    }

    public ReassemblyConfig withPolicy(OverlapPolicy value) {
        return new ReassemblyConfig(
                value,
                memoryBudget,
                perConnectionCap,
                idleTimeoutNanos,
                flushOnClose,
                hostPolicies,
                ackGated,
                lingerNanos);
    }

    /** Budget {@code value}; the per-connection cap becomes min(cap, value). */
    public ReassemblyConfig withMemoryBudget(long value) {
        return new ReassemblyConfig(
                policy,
                value,
                Math.min(perConnectionCap, value),
                idleTimeoutNanos,
                flushOnClose,
                hostPolicies,
                ackGated,
                lingerNanos);
    }

    public ReassemblyConfig withPerConnectionCap(long value) {
        return new ReassemblyConfig(
                policy, memoryBudget, value, idleTimeoutNanos, flushOnClose, hostPolicies, ackGated, lingerNanos);
    }

    public ReassemblyConfig withIdleTimeoutNanos(long value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, value, flushOnClose, hostPolicies, ackGated, lingerNanos);
    }

    public ReassemblyConfig withFlushOnClose(boolean value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, value, hostPolicies, ackGated, lingerNanos);
    }

    public ReassemblyConfig withHostPolicies(List<HostPolicy> value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, flushOnClose, value, ackGated, lingerNanos);
    }

    public ReassemblyConfig withAckGated(boolean value) {
        return new ReassemblyConfig(
                policy,
                memoryBudget,
                perConnectionCap,
                idleTimeoutNanos,
                flushOnClose,
                hostPolicies,
                value,
                lingerNanos);
    }

    public ReassemblyConfig withLingerNanos(long value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, flushOnClose, hostPolicies, ackGated, value);
    }
}
