package org.paqet4j.reassembly;

/**
 * Suricata's overlap decision for a new segment against one buffered segment, written as its
 * source reads (by how the starts compare, then the ends), independently of
 * {@link OverlapPolicy#newWins}; for the reference models of the tests.
 */
public final class SuricataOverlapRule {

    private SuricataOverlapRule() {}

    /** True when the new bytes {@code [ns, ne)} replace the buffered segment {@code [os, oe)}'s where they overlap. */
    public static boolean usesNewData(OverlapPolicy policy, long ns, long ne, long os, long oe) {
        if (policy == OverlapPolicy.LAST) {
            return true;
        }
        if (policy == OverlapPolicy.FIRST) {
            return false;
        }
        if (ns == os) {
            if (ne < oe) {
                return false;
            }
            if (ne > oe && policy == OverlapPolicy.LINUX) {
                return true;
            }
            return policy == OverlapPolicy.SOLARIS;
        }
        if (ns < os) {
            if (ne >= oe && policy == OverlapPolicy.SOLARIS) {
                return true;
            }
            return policy == OverlapPolicy.LINUX || policy == OverlapPolicy.WINDOWS;
        }
        return ne > oe && policy == OverlapPolicy.SOLARIS;
    }
}
