package org.paqet4j.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.paqet4j.kcp.KcpMode;

/**
 * Writes a configuration back as YAML with every default spelled out: what {@code paqet run
 * --check} prints. Only the keys that apply to the role are written; reading the output back
 * gives an equal {@link PaqetConfig}. paqet's own keys keep paqet's forms (durations as seconds)
 * so the output stays readable by paqet where it uses only paqet's keys.
 */
public final class EffectiveConfigWriter {
    /** What a secret is replaced with when secrets are hidden. */
    public static final String REDACTED = "(hidden; --show-secrets prints it)";

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private EffectiveConfigWriter() {}

    public static String write(PaqetConfig c, boolean showSecrets) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("role", c.role().yamlName());
        root.put("log", Map.of("level", c.logLevel().yamlName()));
        if (!c.socks5().isEmpty()) {
            root.put(
                    "socks5",
                    c.socks5().stream()
                            .map(s -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("listen", s.listen().toString());
                                if (s.authenticates()) {
                                    m.put("username", s.username());
                                    m.put("password", secret(s.password(), showSecrets));
                                }
                                return m;
                            })
                            .toList());
        }
        if (!c.forward().isEmpty()) {
            root.put(
                    "forward",
                    c.forward().stream()
                            .map(f -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                m.put("listen", f.listen().toString());
                                m.put("target", f.target().toString());
                                m.put("protocol", f.protocol().yamlName());
                                return m;
                            })
                            .toList());
        }
        root.put("network", network(c.network()));
        if (c.role() == Role.CLIENT) {
            c.server().ifPresent(s -> root.put("server", Map.of("addr", s.toString())));
        } else {
            c.listen().ifPresent(l -> root.put("listen", Map.of("addr", l.toString())));
        }
        Map<String, Object> transport = new LinkedHashMap<>();
        transport.put("protocol", c.transport().protocol().yamlName());
        transport.put("conn", c.transport().conn());
        transport.put("kcp", kcp(c.transport().kcp(), showSecrets));
        root.put("transport", transport);
        c.status().listen().ifPresent(l -> {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("listen", l.toString());
            c.status().token().ifPresent(t -> status.put("token", showSecrets ? t : REDACTED));
            root.put("status", status);
        });
        root.put("limits", limits(c.limits()));
        if (c.role() == Role.SERVER) {
            Map<String, Object> access = new LinkedHashMap<>();
            access.put(
                    "allow",
                    c.access().allow().stream().map(AccessRule::toString).toList());
            access.put(
                    "deny", c.access().deny().stream().map(AccessRule::toString).toList());
            root.put("access", access);
        }
        c.kcptun().ifPresent(k -> {
            Map<String, Object> m = new LinkedHashMap<>();
            k.listen().ifPresent(l -> m.put("listen", l.toString()));
            k.target().ifPresent(t -> m.put("target", t.toString()));
            m.put("nocomp", k.nocomp());
            root.put("kcptun", m);
        });
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialize", e);
        }
    }

    private static Map<String, Object> network(NetworkConfig n) {
        Map<String, Object> m = new LinkedHashMap<>();
        n.interfaceName().ifPresent(i -> m.put("interface", i));
        n.guid().ifPresent(g -> m.put("guid", g));
        n.ipv4().ifPresent(a -> m.put("ipv4", address(a)));
        n.ipv6().ifPresent(a -> m.put("ipv6", address(a)));
        Map<String, Object> tcp = new LinkedHashMap<>();
        tcp.put(
                "local_flag",
                n.localFlag().stream().map(FlagCombination::letters).toList());
        tcp.put(
                "remote_flag",
                n.remoteFlag().stream().map(FlagCombination::letters).toList());
        m.put("tcp", tcp);
        m.put("pcap", Map.of("sockbuf", n.pcapSockbuf()));
        m.put("carrier", n.carrier().yamlName());
        m.put("firewall", n.firewall().yamlName());
        return m;
    }

    private static Map<String, Object> address(AddressConfig a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("addr", a.addr());
        a.routerMac().ifPresent(mac -> m.put("router_mac", mac.toString()));
        return m;
    }

    private static Map<String, Object> kcp(KcpConfig k, boolean showSecrets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", k.mode().configName());
        if (k.mode() == KcpMode.MANUAL) {
            m.put("nodelay", k.tuning().nodelay());
            m.put("interval", k.tuning().intervalMs());
            m.put("resend", k.tuning().resend());
            m.put("nocongestion", k.tuning().noCongestion() ? 1 : 0);
            m.put("wdelay", k.tuning().writeDelay());
            m.put("acknodelay", k.tuning().ackNoDelay());
        }
        m.put("mtu", k.mtu());
        m.put("rcvwnd", k.rcvwnd());
        m.put("sndwnd", k.sndwnd());
        m.put("dshard", k.dshard());
        m.put("pshard", k.pshard());
        m.put("block", k.block().yamlName());
        if (!k.key().isEmpty()) {
            m.put("key", secret(k.key(), showSecrets));
        }
        m.put("smuxbuf", k.smuxbuf());
        m.put("streambuf", k.streambuf());
        m.put("smuxkalive", paqetSeconds(k.smuxkalive()));
        m.put("smuxktimeout", paqetSeconds(k.smuxktimeout()));
        Map<String, Object> guard = new LinkedHashMap<>();
        guard.put("enabled", k.guard().enabled());
        k.guard().key().ifPresent(key -> guard.put("key", secret(key, showSecrets)));
        guard.put("window", GoDuration.format(k.guard().window()));
        guard.put("skew", GoDuration.format(k.guard().skew()));
        m.put("guard", guard);
        m.put("kdf", k.kdf().yamlName());
        m.put("smuxver", k.smuxver());
        return m;
    }

    private static Map<String, Object> limits(LimitsConfig l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_sessions", l.maxSessions());
        m.put("max_streams_per_session", l.maxStreamsPerSession());
        m.put("max_streams_total", l.maxStreamsTotal());
        m.put("header_timeout", GoDuration.format(l.headerTimeout()));
        m.put("dial_timeout", GoDuration.format(l.dialTimeout()));
        m.put("handshake_timeout", GoDuration.format(l.handshakeTimeout()));
        m.put("max_connections", l.maxConnections());
        m.put("max_udp_associations", l.maxUdpAssociations());
        m.put("udp_idle_timeout", GoDuration.format(l.udpIdleTimeout()));
        m.put("memory", l.memory() == 0 ? "0" : ByteSize.format(l.memory()));
        return m;
    }

    /** paqet reads these as integer seconds; other durations keep Go's string form. */
    private static Object paqetSeconds(Duration d) {
        return d.toNanos() % 1_000_000_000L == 0 ? (Object) d.toSeconds() : GoDuration.format(d);
    }

    private static String secret(String value, boolean show) {
        return show ? value : REDACTED;
    }
}
