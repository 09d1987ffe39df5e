package org.paqet4j.packet.firewall;

/**
 * The numbers of the nf_tables netlink interface that paqet4j uses, from the kernel's UAPI headers
 * {@code linux/netfilter/nfnetlink.h} and {@code linux/netfilter/nf_tables.h}. nf_tables carries
 * its integer attributes in network byte order.
 */
final class NfTables {

    private NfTables() {}

    static final int NFNL_SUBSYS_NFTABLES = 10;
    static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    static final int NFNL_MSG_BATCH_END = 0x11;
    /** {@code struct nfgenmsg}: u8 family, u8 version, be16 resource id. */
    static final int NFGENMSG_SIZE = 4;

    static final int NFPROTO_INET = 1;

    static final int NFT_MSG_NEWTABLE = 0;
    static final int NFT_MSG_GETTABLE = 1;
    static final int NFT_MSG_DELTABLE = 2;
    static final int NFT_MSG_NEWCHAIN = 3;
    static final int NFT_MSG_GETCHAIN = 4;
    static final int NFT_MSG_NEWRULE = 6;
    static final int NFT_MSG_GETRULE = 7;

    static final int NFTA_TABLE_NAME = 1;
    static final int NFTA_TABLE_FLAGS = 2;
    static final int NFTA_TABLE_USERDATA = 6;

    static final int NFTA_CHAIN_TABLE = 1;
    static final int NFTA_CHAIN_NAME = 3;
    static final int NFTA_CHAIN_HOOK = 4;
    static final int NFTA_CHAIN_POLICY = 5;
    static final int NFTA_CHAIN_TYPE = 7;
    static final int NFTA_HOOK_HOOKNUM = 1;
    static final int NFTA_HOOK_PRIORITY = 2;

    static final int NFTA_RULE_TABLE = 1;
    static final int NFTA_RULE_CHAIN = 2;
    static final int NFTA_RULE_HANDLE = 3;
    static final int NFTA_RULE_EXPRESSIONS = 4;

    static final int NFTA_LIST_ELEM = 1;
    static final int NFTA_EXPR_NAME = 1;
    static final int NFTA_EXPR_DATA = 2;

    static final int NFTA_DATA_VALUE = 1;
    static final int NFTA_DATA_VERDICT = 2;
    static final int NFTA_VERDICT_CODE = 1;
    static final int NFTA_VERDICT_CHAIN = 2;

    static final int NFTA_META_DREG = 1;
    static final int NFTA_META_KEY = 2;
    static final int NFTA_CMP_SREG = 1;
    static final int NFTA_CMP_OP = 2;
    static final int NFTA_CMP_DATA = 3;
    static final int NFTA_PAYLOAD_DREG = 1;
    static final int NFTA_PAYLOAD_BASE = 2;
    static final int NFTA_PAYLOAD_OFFSET = 3;
    static final int NFTA_PAYLOAD_LEN = 4;
    static final int NFTA_BITWISE_SREG = 1;
    static final int NFTA_BITWISE_DREG = 2;
    static final int NFTA_BITWISE_LEN = 3;
    static final int NFTA_BITWISE_MASK = 4;
    static final int NFTA_BITWISE_XOR = 5;
    static final int NFTA_BITWISE_OP = 6;
    static final int NFT_BITWISE_MASK_XOR = 0;
    static final int NFTA_COUNTER_BYTES = 1;
    static final int NFTA_COUNTER_PACKETS = 2;
    static final int NFTA_IMMEDIATE_DREG = 1;
    static final int NFTA_IMMEDIATE_DATA = 2;

    static final int NFT_REG_VERDICT = 0;
    static final int NFT_REG_1 = 1;
    static final int NF_INET_PRE_ROUTING = 0;
    static final int NF_INET_LOCAL_OUT = 3;
    static final int NF_ACCEPT = 1;
    static final int NF_DROP = 0;
    static final int NF_IP_PRI_RAW = -300;
    static final int NF_IP_PRI_MANGLE = -150;

    /** {@code NFTNL_UDATA_TABLE_COMMENT}: the TLV type nft uses for a table's comment in its user data. */
    static final int UDATA_TABLE_COMMENT = 0;

    /** The netlink message type of nf_tables message {@code message}. */
    static int type(int message) {
        return NFNL_SUBSYS_NFTABLES << 8 | message;
    }
}
