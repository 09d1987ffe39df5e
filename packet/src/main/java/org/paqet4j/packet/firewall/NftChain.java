package org.paqet4j.packet.firewall;

import static org.paqet4j.packet.firewall.NfTables.NFTA_CHAIN_HOOK;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CHAIN_NAME;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CHAIN_POLICY;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CHAIN_TABLE;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CHAIN_TYPE;
import static org.paqet4j.packet.firewall.NfTables.NFTA_HOOK_HOOKNUM;
import static org.paqet4j.packet.firewall.NfTables.NFTA_HOOK_PRIORITY;

import java.util.Optional;
import java.util.OptionalInt;
import org.paqet4j.packet.route.Attributes;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;

/** A base chain: {@code type TYPE hook HOOK priority PRIORITY; policy accept}. */
record NftChain(String table, String name, String type, int hook, int priority) {

    byte[] encode(int family) {
        NetlinkRequest out = NfTablesMessages.start(
                NfTables.NFT_MSG_NEWCHAIN, NetlinkRequest.NLM_F_CREATE | NetlinkRequest.NLM_F_ACK, family);
        out.attributeString(NFTA_CHAIN_TABLE, table).attributeString(NFTA_CHAIN_NAME, name);
        int hookAttributes = out.beginNested(NFTA_CHAIN_HOOK);
        out.attributeU32BigEndian(NFTA_HOOK_HOOKNUM, hook).attributeU32BigEndian(NFTA_HOOK_PRIORITY, priority);
        out.endNested(hookAttributes);
        out.attributeU32BigEndian(NFTA_CHAIN_POLICY, NfTables.NF_ACCEPT).attributeString(NFTA_CHAIN_TYPE, type);
        return out.build();
    }

    /** Reads an {@code NFT_MSG_NEWCHAIN} message; a chain without a hook has hook and priority -1. */
    static NftChain decode(NetlinkMessage message) throws MalformedNetlinkException {
        Attributes a = NfTablesMessages.attributes(message, "chain");
        Optional<Attributes> hook = a.nested(NFTA_CHAIN_HOOK, "hook");
        OptionalInt number = hook.isPresent() ? hook.get().u32BigEndian(NFTA_HOOK_HOOKNUM) : OptionalInt.empty();
        OptionalInt priority = hook.isPresent() ? hook.get().u32BigEndian(NFTA_HOOK_PRIORITY) : OptionalInt.empty();
        return new NftChain(
                a.string(NFTA_CHAIN_TABLE).orElse(""),
                a.string(NFTA_CHAIN_NAME).orElse(""),
                a.string(NFTA_CHAIN_TYPE).orElse(""),
                number.orElse(-1),
                priority.orElse(-1));
    }
}
