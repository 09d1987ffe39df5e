package org.paqet4j.cli.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every key the configuration knows, per section (list items are written {@code name[]}).
 * paqet silently ignores unknown keys; paqet4j reports them, with the nearest known key or the
 * section the key belongs to.
 */
final class ConfigSchema {
    static final Map<String, List<String>> KEYS = build();

    private ConfigSchema() {}

    private static Map<String, List<String>> build() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put(
                "",
                List.of(
                        "role",
                        "log",
                        "socks5",
                        "forward",
                        "network",
                        "server",
                        "listen",
                        "transport",
                        "status",
                        "limits",
                        "access",
                        "kcptun"));
        keys.put("log", List.of("level"));
        keys.put("socks5[]", List.of("listen", "username", "password"));
        keys.put("forward[]", List.of("listen", "target", "protocol"));
        keys.put("network", List.of("interface", "guid", "ipv4", "ipv6", "tcp", "pcap", "carrier", "firewall"));
        keys.put("network.ipv4", List.of("addr", "router_mac"));
        keys.put("network.ipv6", List.of("addr", "router_mac"));
        keys.put("network.tcp", List.of("local_flag", "remote_flag"));
        keys.put("network.pcap", List.of("sockbuf"));
        keys.put("server", List.of("addr"));
        keys.put("listen", List.of("addr"));
        keys.put("transport", List.of("protocol", "conn", "kcp"));
        keys.put(
                "transport.kcp",
                List.of(
                        "mode",
                        "nodelay",
                        "interval",
                        "resend",
                        "nocongestion",
                        "wdelay",
                        "acknodelay",
                        "mtu",
                        "rcvwnd",
                        "sndwnd",
                        "dshard",
                        "pshard",
                        "block",
                        "key",
                        "smuxbuf",
                        "streambuf",
                        "smuxkalive",
                        "smuxktimeout",
                        "guard",
                        "kdf",
                        "smuxver"));
        keys.put("transport.kcp.guard", List.of("enabled", "key", "window", "skew"));
        keys.put("status", List.of("listen", "token"));
        keys.put(
                "limits",
                List.of(
                        "max_sessions",
                        "max_streams_per_session",
                        "max_streams_total",
                        "header_timeout",
                        "dial_timeout",
                        "handshake_timeout",
                        "max_connections",
                        "max_udp_associations",
                        "udp_idle_timeout",
                        "memory"));
        keys.put("access", List.of("allow", "deny"));
        keys.put("kcptun", List.of("listen", "target", "nocomp"));
        return Map.copyOf(keys);
    }

    static List<String> keysOf(String section) {
        return KEYS.getOrDefault(section, List.of());
    }

    /** The sections (other than {@code except}) that have this exact key, e.g. "transport.kcp or transport.kcp.guard". */
    static Optional<String> homesOf(String key, String except) {
        List<String> homes = KEYS.entrySet().stream()
                .filter(e -> !e.getKey().equals(except) && e.getValue().contains(key))
                .map(e -> e.getKey().isEmpty() ? "the top level" : e.getKey().replace("[]", "[...]"))
                .sorted()
                .toList();
        return homes.isEmpty() || homes.size() > 3 ? Optional.empty() : Optional.of(String.join(" or ", homes));
    }
}
