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
 */
public record ReassemblyConfig(
        OverlapPolicy policy,
        long memoryBudget,
        long perConnectionCap,
        long idleTimeoutNanos,
        boolean flushOnClose,
        List<HostPolicy> hostPolicies,
        boolean ackGated) {

    /** 64 MiB budget, 4 MiB per connection, BSD, no idle timeout, flush on close. */
    public static final ReassemblyConfig DEFAULTS =
            new ReassemblyConfig(OverlapPolicy.BSD, 64L << 20, 4L << 20, 0, true, List.of(), false);

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
                value, memoryBudget, perConnectionCap, idleTimeoutNanos, flushOnClose, hostPolicies, ackGated);
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
                ackGated);
    }

    public ReassemblyConfig withPerConnectionCap(long value) {
        return new ReassemblyConfig(
                policy, memoryBudget, value, idleTimeoutNanos, flushOnClose, hostPolicies, ackGated);
    }

    public ReassemblyConfig withIdleTimeoutNanos(long value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, value, flushOnClose, hostPolicies, ackGated);
    }

    public ReassemblyConfig withFlushOnClose(boolean value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, value, hostPolicies, ackGated);
    }

    public ReassemblyConfig withHostPolicies(List<HostPolicy> value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, flushOnClose, value, ackGated);
    }

    public ReassemblyConfig withAckGated(boolean value) {
        return new ReassemblyConfig(
                policy, memoryBudget, perConnectionCap, idleTimeoutNanos, flushOnClose, hostPolicies, value);
    }
}
