package org.paqet4j.packet.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;

/** The nf_tables writer and reader against each other, and the reader against hostile input. */
class NftMessagesTest {

    @Test
    void everyRuleReadsBackAsWritten() throws Exception {
        for (NftRule rule : NetlinkBackend.rules(9999)) {
            NftRule read = NftRule.decode(only(rule.encode(NfTables.NFPROTO_INET)));
            assertThat(read).isEqualTo(rule);
        }
    }

    @Test
    void tablesAndChainsReadBackAsWritten() throws Exception {
        NftTable table = new NftTable("paqet4j_9999", Optional.of("paqet4j server port 9999, pid 42"));
        assertThat(NftTable.decode(only(table.encode(NfTables.NFPROTO_INET)))).isEqualTo(table);
        NftChain chain = new NftChain(
                "paqet4j_9999", "drop_rst", "filter", NfTables.NF_INET_LOCAL_OUT, NfTables.NF_IP_PRI_MANGLE);
        assertThat(NftChain.decode(only(chain.encode(NfTables.NFPROTO_INET)))).isEqualTo(chain);
    }

    @Test
    void theRulesPrintLikeNftDebugPrintsThem() {
        assertThat(NetlinkBackend.rules(9999).get(2).expressions())
                .map(Object::toString)
                .containsExactly(
                        "[ meta load l4proto => reg 1 ]",
                        "[ cmp eq reg 1 0x00000006 ]",
                        "[ payload load 2b @ transport header + 0 => reg 1 ]",
                        "[ cmp eq reg 1 0x00000f27 ]",
                        "[ payload load 1b @ transport header + 13 => reg 1 ]",
                        "[ bitwise reg 1 = ( reg 1 & 0x00000004 ) ^ 0x00000000 ]",
                        "[ cmp eq reg 1 0x00000004 ]",
                        "[ counter pkts 0 bytes 0 ]",
                        "[ immediate reg 0 drop ]");
    }

    @Test
    void unknownExpressionsAndUnusualFormsOfKnownOnesAreKeptNotRejected() throws Exception {
        NetlinkRequest out = NfTablesMessages.start(NfTables.NFT_MSG_NEWRULE, 0, NfTables.NFPROTO_INET);
        out.attributeString(NfTables.NFTA_RULE_TABLE, "t").attributeString(NfTables.NFTA_RULE_CHAIN, "c");
        int list = out.beginNested(NfTables.NFTA_RULE_EXPRESSIONS);
        element(out, "log", new byte[] {8, 0, 2, 0, 'x', 0, 0, 0});
        element(out, "meta", new byte[] {8, 0, 3, 0, 0, 0, 0, 1, 8, 0, 2, 0, 0, 0, 0, 3}); // meta set mark
        element(out, "notrack", new byte[] {8, 0, 1, 0, 0, 0, 0, 0}); // a notrack with attributes
        element(out, "cmp", new byte[0]);
        out.endNested(list);
        NftRule rule = NftRule.decode(only(out.build()));
        assertThat(rule.expressions())
                .hasSize(4)
                .allSatisfy(e -> assertThat(e).isInstanceOf(NftExpression.Other.class));
        assertThat(rule.expressions()).map(NftExpression::name).containsExactly("log", "meta", "notrack", "cmp");
    }

    @Test
    void aRealKernelDumpOfSomeoneElsesRulesetReadsWithoutThrowing() throws Exception {
        // captured from a namespace holding a busy table (sets, ct, log, limit, jump, reject, exthdr) and ours
        byte[] dump;
        try (var in = NftMessagesTest.class.getResourceAsStream("NftRulesetFuzzInputs/decode/kernel-rules-all")) {
            dump = in.readAllBytes();
        }
        List<NftRule> rules = new ArrayList<>();
        for (NetlinkMessage message : NetlinkMessage.parseAll(dump, dump.length)) {
            rules.add(NftRule.decode(message));
        }
        assertThat(rules).hasSize(10);
        assertThat(rules)
                .filteredOn(r -> r.table().equals("p4jother"))
                .flatExtracting(NftRule::expressions)
                .hasAtLeastOneElementOfType(NftExpression.Other.class);
        assertThat(rules)
                .filteredOn(r -> r.table().equals("paqet4j_9999"))
                .extracting(NftRule::expressions)
                .containsExactly(
                        NetlinkBackend.rules(9999).get(0).expressions(),
                        NetlinkBackend.rules(9999).get(2).expressions());
    }

    @Test
    void lyingLengthsFailWithTheOffset() {
        byte[] rule = NetlinkBackend.rules(9999).getFirst().encode(NfTables.NFPROTO_INET);
        // the first attribute after nfgenmsg (NFTA_RULE_TABLE) claims more bytes than the message has
        rule[NetlinkMessage.HEADER_SIZE + NfTables.NFGENMSG_SIZE] = (byte) 0xF0;
        rule[NetlinkMessage.HEADER_SIZE + NfTables.NFGENMSG_SIZE + 1] = 0x7F;
        assertThatThrownBy(() -> NftRule.decode(only(rule)))
                .isInstanceOf(MalformedNetlinkException.class)
                .hasMessageContaining("rule: attribute type 1 at offset 4 has rta_len 32752");
        assertThatThrownBy(() -> NftRule.decode(new NetlinkMessage(0, 0, 0, 0, new byte[3])))
                .isInstanceOf(MalformedNetlinkException.class)
                .hasMessageContaining("nfgenmsg of a rule");
    }

    private static void element(NetlinkRequest out, String name, byte[] data) {
        int element = out.beginNested(NfTables.NFTA_LIST_ELEM);
        out.attributeString(NfTables.NFTA_EXPR_NAME, name);
        if (data.length > 0) {
            out.attribute(NfTables.NFTA_EXPR_DATA | NetlinkRequest.NLA_F_NESTED, data);
        }
        out.endNested(element);
    }

    private static NetlinkMessage only(byte[] message) throws MalformedNetlinkException {
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(message, message.length);
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }
}
