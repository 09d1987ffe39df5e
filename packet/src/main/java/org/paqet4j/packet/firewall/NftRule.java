package org.paqet4j.packet.firewall;

import static org.paqet4j.packet.firewall.NfTables.NFTA_EXPR_DATA;
import static org.paqet4j.packet.firewall.NfTables.NFTA_EXPR_NAME;
import static org.paqet4j.packet.firewall.NfTables.NFTA_LIST_ELEM;
import static org.paqet4j.packet.firewall.NfTables.NFTA_RULE_CHAIN;
import static org.paqet4j.packet.firewall.NfTables.NFTA_RULE_EXPRESSIONS;
import static org.paqet4j.packet.firewall.NfTables.NFTA_RULE_HANDLE;
import static org.paqet4j.packet.firewall.NfTables.NFTA_RULE_TABLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.paqet4j.packet.route.Attributes;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;

/** One rule: its table, chain, kernel handle (0 before it exists) and expressions in order. */
record NftRule(String table, String chain, long handle, List<NftExpression> expressions) {

    NftRule {
        expressions = List.copyOf(expressions);
    }

    /** The {@code NFT_MSG_NEWRULE} message that appends this rule to its chain. */
    byte[] encode(int family) {
        NetlinkRequest out = NfTablesMessages.start(
                NfTables.NFT_MSG_NEWRULE,
                NetlinkRequest.NLM_F_CREATE | NfTablesMessages.NLM_F_APPEND | NetlinkRequest.NLM_F_ACK,
                family);
        out.attributeString(NFTA_RULE_TABLE, table).attributeString(NFTA_RULE_CHAIN, chain);
        int list = out.beginNested(NFTA_RULE_EXPRESSIONS);
        for (NftExpression expression : expressions) {
            int element = out.beginNested(NFTA_LIST_ELEM);
            out.attributeString(NFTA_EXPR_NAME, expression.name());
            int data = out.beginNested(NFTA_EXPR_DATA);
            expression.writeData(out);
            out.endNested(data);
            out.endNested(element);
        }
        out.endNested(list);
        return out.build();
    }

    /** Reads an {@code NFT_MSG_NEWRULE} message of a dump; expressions it does not know stay {@code Other}. */
    static NftRule decode(NetlinkMessage message) throws MalformedNetlinkException {
        Attributes a = NfTablesMessages.attributes(message, "rule");
        String table = a.string(NFTA_RULE_TABLE).orElse("");
        String chain = a.string(NFTA_RULE_CHAIN).orElse("");
        String owner = "rule in " + table + "/" + chain;
        long handle = a.u64BigEndian(NFTA_RULE_HANDLE).orElse(0);
        List<NftExpression> expressions = new ArrayList<>();
        Optional<Attributes> list = a.nested(NFTA_RULE_EXPRESSIONS, "expressions");
        if (list.isPresent()) {
            for (Attributes.Attribute element : list.get().all()) {
                if (element.type() != NFTA_LIST_ELEM) {
                    continue;
                }
                Attributes expression = Attributes.parse(element.value(), owner + " expression");
                String name = expression
                        .string(NFTA_EXPR_NAME)
                        .orElseThrow(() -> new MalformedNetlinkException(
                                owner + ": expression " + expressions.size() + " has no name"));
                expressions.add(NftExpression.decode(
                        name, expression.bytes(NFTA_EXPR_DATA).orElse(new byte[0]), owner));
            }
        }
        return new NftRule(table, chain, handle, expressions);
    }

    /** The rule as {@code nft --debug=netlink} prints it: a header line, then one line per expression. */
    String debug(String family) {
        return family + " " + table + " " + chain + " " + handle + "\n"
                + expressions.stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
    }
}
