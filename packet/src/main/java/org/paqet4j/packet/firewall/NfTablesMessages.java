package org.paqet4j.packet.firewall;

import org.paqet4j.packet.route.Attributes;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkMessage;
import org.paqet4j.packet.route.NetlinkRequest;

/** The framing every nf_tables message shares: the type, {@code struct nfgenmsg}, the batch markers. */
final class NfTablesMessages {

    static final int NLM_F_APPEND = 0x800;

    private NfTablesMessages() {}

    /** A message of nf_tables type {@code message} for {@code family}, its nfgenmsg written. */
    static NetlinkRequest start(int message, int flags, int family) {
        return new NetlinkRequest(NfTables.type(message), flags)
                .u8(family)
                .u8(0)
                .u16BigEndian(0);
    }

    /** {@code NFNL_MSG_BATCH_BEGIN} or {@code _END}: addressed to the nf_tables subsystem. */
    static byte[] batchMarker(int type) {
        return new NetlinkRequest(type, 0)
                .u8(0)
                .u8(0)
                .u16BigEndian(NfTables.NFNL_SUBSYS_NFTABLES)
                .build();
    }

    /** The attributes after nfgenmsg; {@code what} names the object in errors. */
    static Attributes attributes(NetlinkMessage message, String what) throws MalformedNetlinkException {
        message.requirePayload(NfTables.NFGENMSG_SIZE, "nfgenmsg of a " + what);
        return Attributes.parse(message.payload(), NfTables.NFGENMSG_SIZE, message.payload().length, what);
    }
}
