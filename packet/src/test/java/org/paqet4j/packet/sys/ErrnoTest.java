package org.paqet4j.packet.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void eppermOnARawSocketNamesTheMissingCapability() {
        assertThat(Errno.rawSocketException("socket(AF_PACKET, SOCK_RAW) on eth0", Errno.EPERM))
                .hasMessage("socket(AF_PACKET, SOCK_RAW) on eth0: EPERM (Operation not permitted): this process lacks "
                        + "CAP_NET_RAW (run as root, or grant CAP_NET_RAW and CAP_NET_ADMIN)");
    }

    @Test
    void otherFailuresAreReportedAsTheyAre() {
        assertThat(Errno.rawSocketException("socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)", 97))
                .hasMessage("socket(AF_INET6, SOCK_RAW, IPPROTO_RAW): EAFNOSUPPORT (Address family not supported by "
                        + "protocol)");
    }
}
