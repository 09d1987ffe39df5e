package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressScanTest {

    @Test
    void findsTheJdksWaysOfWritingAddresses() {
        assertThat(AddressScan.hasJdkAddress("connection 0 to /198.18.0.2:9999 is up"))
                .isTrue();
        assertThat(AddressScan.hasJdkAddress("server listening on [0:0:0:0:0:0:0:0]:29900"))
                .isTrue();
        assertThat(AddressScan.hasJdkAddress("closed RawTcpCarrier[eth0 /[2001:2:0:c1:0:0:0:1]:27341 PACKET]"))
                .isTrue();
        assertThat(AddressScan.hasJdkAddress("session from 2001:db8:0:0:1:0:0:1 accepted"))
                .isTrue();
        assertThat(AddressScan.hasJdkAddress("TCP [2001:2:0:0:0:0:0:2]:53")).isTrue();
    }

    @Test
    void acceptsAddressesAsPeopleWriteThem() {
        assertThat(AddressScan.hasJdkAddress("connection 0 to 198.18.0.2:9999 is up"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("server listening on [::]:29900 and 0.0.0.0:29900"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("2026-12-07T00:09:19.780Z INFO  FirewallRules: port 27341"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("next hop to 2001:2:0:c1::2 at 72:04:5e:6c:5b:5f"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("warning: /tmp/junit-1/server.yaml:4: listen.addr"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("rtt min/avg/max = 6.87/9.61/12.35 ms"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("serves it at http://198.18.0.1:8000/demo.bin"))
                .isFalse();
        assertThat(AddressScan.hasJdkAddress("serves it at http://[2001:2::1]:8000/demo.bin"))
                .isFalse();
    }
}
