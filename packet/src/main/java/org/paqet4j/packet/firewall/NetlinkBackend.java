package org.paqet4j.packet.firewall;

import static org.paqet4j.packet.firewall.NfTables.NFPROTO_INET;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.paqet4j.packet.route.NetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;
import org.paqet4j.packet.route.NetlinkSocket;

/**
 * nf_tables spoken directly over a {@code NETLINK_NETFILTER} socket: the same table as
 * {@link NftBackend}'s script ({@code inet paqet4j_<port>}, counters included), created in one
 * atomic batch and deleted by name. Needs no binary at all, only a kernel with nf_tables and
 * CAP_NET_ADMIN.
 */
final class NetlinkBackend implements FirewallBackend {

    /** Opens a netfilter socket in the network namespace the rules belong to. */
    @FunctionalInterface
    interface SocketOpener {
        NetlinkSocket open() throws NetlinkException;
    }

    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int EEXIST = 17;
    private static final int EPROTONOSUPPORT = 93;
    private static final int EOPNOTSUPP = 95;
    private static final int EAFNOSUPPORT = 97;
    private static final int TCP = 6;
    private static final int TCP_FLAGS_OFFSET = 13;
    private static final int RST = 0x04;

    private final SocketOpener opener;
    private final String comment;

    NetlinkBackend(SocketOpener opener, String comment) {
        this.opener = opener;
        this.comment = comment;
    }

    static SocketOpener direct() {
        return () -> NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER);
    }

    /** The table, its three base chains and their rules, as nft would create them from {@link NftBackend#script}. */
    static List<byte[]> batch(int port, Optional<String> comment) {
        String table = NftBackend.table(port);
        List<byte[]> messages = new ArrayList<>();
        messages.add(NfTablesMessages.batchMarker(NfTables.NFNL_MSG_BATCH_BEGIN));
        messages.add(new NftTable(table, comment).encode(NFPROTO_INET));
        messages.add(new NftChain(table, "prerouting", "filter", NfTables.NF_INET_PRE_ROUTING, NfTables.NF_IP_PRI_RAW)
                .encode(NFPROTO_INET));
        messages.add(new NftChain(table, "output", "filter", NfTables.NF_INET_LOCAL_OUT, NfTables.NF_IP_PRI_RAW)
                .encode(NFPROTO_INET));
        messages.add(new NftChain(table, "drop_rst", "filter", NfTables.NF_INET_LOCAL_OUT, NfTables.NF_IP_PRI_MANGLE)
                .encode(NFPROTO_INET));
        for (NftRule rule : rules(port)) {
            messages.add(rule.encode(NFPROTO_INET));
        }
        messages.add(NfTablesMessages.batchMarker(NfTables.NFNL_MSG_BATCH_END));
        return messages;
    }

    /** {@code tcp dport P counter notrack}, {@code tcp sport P counter notrack}, {@code tcp sport P tcp flags & rst == rst counter drop}. */
    static List<NftRule> rules(int port) {
        String table = NftBackend.table(port);
        NftExpression counter = new NftExpression.Counter(0, 0);
        List<NftExpression> dropRst = new ArrayList<>(tcpPort(0, port));
        dropRst.addAll(List.of(
                new NftExpression.Payload(
                        NftExpression.Payload.TRANSPORT_HEADER, TCP_FLAGS_OFFSET, 1, NfTables.NFT_REG_1),
                new NftExpression.Bitwise(NfTables.NFT_REG_1, NfTables.NFT_REG_1, new byte[] {RST}, new byte[] {0}),
                new NftExpression.Cmp(NfTables.NFT_REG_1, NftExpression.Cmp.EQ, new byte[] {RST}),
                counter,
                new NftExpression.Verdict(NftExpression.Verdict.DROP)));
        return List.of(
                new NftRule(table, "prerouting", 0, concat(tcpPort(2, port), counter, new NftExpression.Notrack())),
                new NftRule(table, "output", 0, concat(tcpPort(0, port), counter, new NftExpression.Notrack())),
                new NftRule(table, "drop_rst", 0, dropRst));
    }

    /** {@code tcp sport/dport P}: layer-4 protocol is TCP, then the 2-byte port at {@code offset}. */
    private static List<NftExpression> tcpPort(int offset, int port) {
        return List.of(
                new NftExpression.Meta(NftExpression.Meta.L4PROTO, NfTables.NFT_REG_1),
                new NftExpression.Cmp(NfTables.NFT_REG_1, NftExpression.Cmp.EQ, new byte[] {TCP}),
                new NftExpression.Payload(NftExpression.Payload.TRANSPORT_HEADER, offset, 2, NfTables.NFT_REG_1),
                new NftExpression.Cmp(
                        NfTables.NFT_REG_1, NftExpression.Cmp.EQ, new byte[] {(byte) (port >>> 8), (byte) port}));
    }

    private static List<NftExpression> concat(List<NftExpression> head, NftExpression... tail) {
        List<NftExpression> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    @Override
    public String name() {
        return "nf_tables (netlink)";
    }

    @Override
    public Optional<String> problem() {
        try (NetlinkSocket socket = opener.open()) {
            socket.request(
                    NfTablesMessages.start(NfTables.NFT_MSG_GETTABLE, NetlinkRequest.NLM_F_DUMP, NFPROTO_INET)
                            .build(),
                    true,
                    "list nf_tables tables");
            return Optional.empty();
        } catch (NetlinkException e) {
            return Optional.of(explain(e));
        }
    }

    @Override
    public void install(int port) throws FirewallException {
        List<String> whats = new ArrayList<>();
        String table = "inet " + NftBackend.table(port);
        whats.add("nf_tables batch for table " + table);
        whats.add("create table " + table);
        for (String chain : List.of("prerouting", "output", "drop_rst")) {
            whats.add("create chain " + table + " " + chain);
        }
        for (NftRule rule : rules(port)) {
            whats.add("add rule " + table + " " + rule.chain());
        }
        whats.add("end of nf_tables batch");
        try (NetlinkSocket socket = opener.open()) {
            socket.batch(batch(port, Optional.of(comment)), whats);
        } catch (NetlinkException e) {
            throw new FirewallException(
                    e.errno() == EEXIST
                            ? "table " + table + " already exists (made by someone else than paqet4j?): "
                                    + e.getMessage()
                            : explain(e),
                    e);
        }
    }

    @Override
    public int remove(int port) throws FirewallException {
        String table = NftBackend.table(port);
        try (NetlinkSocket socket = opener.open()) {
            if (find(socket, table).isEmpty()) {
                return 0;
            }
            byte[] delete = NfTablesMessages.start(NfTables.NFT_MSG_DELTABLE, NetlinkRequest.NLM_F_ACK, NFPROTO_INET)
                    .attributeString(NfTables.NFTA_TABLE_NAME, table)
                    .build();
            socket.batch(
                    List.of(
                            NfTablesMessages.batchMarker(NfTables.NFNL_MSG_BATCH_BEGIN),
                            delete,
                            NfTablesMessages.batchMarker(NfTables.NFNL_MSG_BATCH_END)),
                    List.of("nf_tables batch", "delete table inet " + table, "end of nf_tables batch"));
            return 1;
        } catch (NetlinkException e) {
            if (e.errno() == ENOENT) {
                return 0; // gone between the lookup and the delete
            }
            throw new FirewallException(explain(e), e);
        }
    }

    @Override
    public List<String> list(int port) throws FirewallException {
        String table = NftBackend.table(port);
        try (NetlinkSocket socket = opener.open()) {
            if (find(socket, table).isEmpty()) {
                return List.of();
            }
            List<String> lines = new ArrayList<>();
            for (NftRule rule : rules(socket, table)) {
                lines.add(rule.chain() + ": "
                        + String.join(
                                " ",
                                rule.expressions().stream()
                                        .map(NftExpression::toString)
                                        .toList()));
            }
            return lines;
        } catch (NetlinkException e) {
            throw new FirewallException(explain(e), e);
        }
    }

    /** The table named {@code name} of family inet, if it exists. */
    static Optional<NftTable> find(NetlinkSocket socket, String name) throws NetlinkException {
        try {
            List<NetlinkMessage> reply = socket.request(
                    NfTablesMessages.start(NfTables.NFT_MSG_GETTABLE, 0, NFPROTO_INET)
                            .attributeString(NfTables.NFTA_TABLE_NAME, name)
                            .build(),
                    false,
                    "get table inet " + name);
            for (NetlinkMessage message : reply) {
                if (message.type() == NfTables.type(NfTables.NFT_MSG_NEWTABLE)) {
                    return Optional.of(NftTable.decode(message));
                }
            }
            return Optional.empty();
        } catch (NetlinkException e) {
            if (e.errno() == ENOENT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every rule of table {@code name} (family inet), in the kernel's order. */
    static List<NftRule> rules(NetlinkSocket socket, String name) throws NetlinkException {
        List<NftRule> rules = new ArrayList<>();
        for (NetlinkMessage message : socket.request(
                NfTablesMessages.start(NfTables.NFT_MSG_GETRULE, NetlinkRequest.NLM_F_DUMP, NFPROTO_INET)
                        .attributeString(NfTables.NFTA_RULE_TABLE, name)
                        .build(),
                true,
                "list rules of table inet " + name)) {
            if (message.type() == NfTables.type(NfTables.NFT_MSG_NEWRULE)) {
                NftRule rule = NftRule.decode(message);
                if (rule.table().equals(name)) {
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    /** Every base chain of table {@code name} (family inet). */
    static List<NftChain> chains(NetlinkSocket socket, String name) throws NetlinkException {
        List<NftChain> chains = new ArrayList<>();
        for (NetlinkMessage message : socket.request(
                NfTablesMessages.start(NfTables.NFT_MSG_GETCHAIN, NetlinkRequest.NLM_F_DUMP, NFPROTO_INET)
                        .build(),
                true,
                "list chains")) {
            if (message.type() == NfTables.type(NfTables.NFT_MSG_NEWCHAIN)) {
                NftChain chain = NftChain.decode(message);
                if (chain.table().equals(name)) {
                    chains.add(chain);
                }
            }
        }
        return chains;
    }

    /** What the kernel's answer means for a user: what is missing, not just the errno. */
    static String explain(NetlinkException e) {
        String missing = switch (e.errno()) {
            case EPERM, EACCES ->
                "this process lacks CAP_NET_ADMIN (run as root, or grant CAP_NET_ADMIN and " + "CAP_NET_RAW)";
            case EPROTONOSUPPORT -> "the kernel has no nfnetlink (CONFIG_NETFILTER_NETLINK)";
            case EOPNOTSUPP, EAFNOSUPPORT -> "the kernel has no nf_tables (CONFIG_NF_TABLES, module nf_tables)";
            case ENOENT ->
                "the kernel lacks a part of nf_tables these rules need (CONFIG_NF_TABLES_INET, "
                        + "CONFIG_NFT_CT for notrack)";
            default -> "";
        };
        return "nf_tables over netlink: " + e.getMessage() + (missing.isEmpty() ? "" : ": " + missing);
    }
}
