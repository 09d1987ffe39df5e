package org.paqet4j.packet.firewall;

import static org.paqet4j.packet.firewall.NfTables.NFTA_TABLE_NAME;
import static org.paqet4j.packet.firewall.NfTables.NFTA_TABLE_USERDATA;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.paqet4j.packet.route.Attributes;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;

/**
 * A table and its comment, kept in the table's user data the way nft keeps it (a type-length-value
 * list), so {@code nft list table} shows it as {@code comment "..."}.
 */
record NftTable(String name, Optional<String> comment) {

    /** nft's limit for a comment, NUL included. */
    private static final int MAX_COMMENT = 128;

    /** {@code NFT_MSG_NEWTABLE} that fails with EEXIST when the table is already there. */
    byte[] encode(int family) {
        // checked here, not in the constructor: a dump may hold any comment nft accepts
        if (comment.isPresent() && comment.get().getBytes(StandardCharsets.UTF_8).length >= MAX_COMMENT) {
            throw new IllegalArgumentException("table comment longer than " + (MAX_COMMENT - 1) + " bytes");
        }
        NetlinkRequest out = NfTablesMessages.start(
                NfTables.NFT_MSG_NEWTABLE,
                NetlinkRequest.NLM_F_CREATE | NetlinkRequest.NLM_F_EXCL | NetlinkRequest.NLM_F_ACK,
                family);
        out.attributeString(NFTA_TABLE_NAME, name);
        comment.ifPresent(text -> {
            byte[] value = text.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            data.write(NfTables.UDATA_TABLE_COMMENT);
            data.write(value.length + 1);
            data.writeBytes(value);
            data.write(0);
            out.attribute(NFTA_TABLE_USERDATA, data.toByteArray());
        });
        return out.build();
    }

    static NftTable decode(NetlinkMessage message) throws MalformedNetlinkException {
        Attributes a = NfTablesMessages.attributes(message, "table");
        return new NftTable(
                a.string(NFTA_TABLE_NAME).orElse(""),
                a.bytes(NFTA_TABLE_USERDATA).flatMap(NftTable::commentOf));
    }

    /** The comment entry of nft's user data, if there is a well-formed one. */
    private static Optional<String> commentOf(byte[] userData) {
        int offset = 0;
        while (offset + 2 <= userData.length) {
            int type = userData[offset] & 0xFF;
            int length = userData[offset + 1] & 0xFF;
            if (offset + 2 + length > userData.length) {
                return Optional.empty();
            }
            if (type == NfTables.UDATA_TABLE_COMMENT && length > 0 && length < MAX_COMMENT) {
                int end = offset + 2;
                while (end < offset + 2 + length && userData[end] != 0) {
                    end++;
                }
                return Optional.of(new String(userData, offset + 2, end - offset - 2, StandardCharsets.UTF_8));
            }
            offset += 2 + length;
        }
        return Optional.empty();
    }
}
