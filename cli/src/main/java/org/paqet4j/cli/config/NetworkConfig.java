package org.paqet4j.cli.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code network}: where and how packets leave this host. An absent interface is the one the
 * default route uses.
 *
 * @param pcapSockbuf {@code network.pcap.sockbuf}: the receive buffer of the capture socket in bytes
 */
public record NetworkConfig(
        Optional<String> interfaceName,
        Optional<String> guid,
        Optional<AddressConfig> ipv4,
        Optional<AddressConfig> ipv6,
        List<FlagCombination> localFlag,
        List<FlagCombination> remoteFlag,
        int pcapSockbuf,
        Carrier carrier,
        FirewallMode firewall) {

    public NetworkConfig {
        localFlag = List.copyOf(localFlag);
        remoteFlag = List.copyOf(remoteFlag);
    }

    /** The local port of both families (they must agree); 0 = random (client). */
    public int port() {
        return ipv4.or(() -> ipv6).map(AddressConfig::port).orElse(0);
    }
}
