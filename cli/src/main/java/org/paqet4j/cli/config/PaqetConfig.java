package org.paqet4j.cli.config;

import java.util.List;
import java.util.Optional;

/**
 * A whole, validated configuration with every default filled in. Immutable; two configurations
 * that mean the same are equal.
 *
 * @param server {@code server.addr}: where a client sends its packets
 * @param listen {@code listen.addr}: the port a server receives on
 */
public record PaqetConfig(
        Role role,
        LogLevel logLevel,
        List<Socks5Config> socks5,
        List<ForwardConfig> forward,
        NetworkConfig network,
        Optional<HostPort> server,
        Optional<HostPort> listen,
        TransportConfig transport,
        StatusConfig status,
        LimitsConfig limits,
        AccessConfig access,
        Optional<KcptunConfig> kcptun) {

    public PaqetConfig {
        socks5 = List.copyOf(socks5);
        forward = List.copyOf(forward);
    }

    public boolean kcptunMode() {
        return kcptun.isPresent();
    }
}
