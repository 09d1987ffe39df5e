package org.paqet4j.packet.firewall;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;

/**
 * Feeds arbitrary bytes to the nf_tables readers (table, chain, rule with its expressions): only
 * {@link MalformedNetlinkException} may come out, never an index, buffer or argument exception.
 */
class NftRulesetFuzz {

    @FuzzTest
    void decode(byte[] input) {
        try {
            for (NetlinkMessage message : NetlinkMessage.parseAll(input, input.length)) {
                decodeAll(message);
            }
        } catch (MalformedNetlinkException expected) {
            // the one declared failure
        }
    }

    /** Every payload goes through every reader, whatever type the header claims. */
    private static void decodeAll(NetlinkMessage message) {
        try {
            NftRule rule = NftRule.decode(message);
            rule.debug("inet");
        } catch (MalformedNetlinkException expected) {
            // keep going with the other readers
        }
        try {
            NftChain.decode(message);
        } catch (MalformedNetlinkException expected) {
            // keep going
        }
        try {
            NftTable.decode(message);
        } catch (MalformedNetlinkException expected) {
            // keep going
        }
    }
}
