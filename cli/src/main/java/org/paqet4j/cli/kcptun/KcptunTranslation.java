package org.paqet4j.cli.kcptun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kcptun's settings (under its JSON key names) as the equivalent paqet4j kcptun-mode configuration,
 * so that the command line is checked by the same rules as a YAML file. What paqet4j cannot do is
 * refused with the flag's name ({@code --tcp}, {@code --snmplog}); what it does not apply but what
 * changes nothing on the wire between the peers is a warning.
 */
public final class KcptunTranslation {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** The configuration text and the warnings about flags accepted but not applied. */
    public record Result(String yaml, List<String> warnings) {}

    private KcptunTranslation() {}

    public static Result translate(boolean client, Map<String, Object> v) throws KcptunFlagException {
        if (bool(v, "tcp")) {
            throw new KcptunFlagException("--tcp: kcptun's TCP emulation is not supported; paqet4j's kcptun mode runs"
                    + " over UDP (paqet's raw TCP carrier speaks paqet's protocol: see `paqet run`)");
        }
        if (!string(v, "snmplog").isEmpty()) {
            throw new KcptunFlagException("--snmplog: kcptun's SNMP CSV log is not written by paqet4j; remove the flag"
                    + " (paqet4j's counters are served by the status endpoint of `paqet run`)");
        }
        List<String> warnings = new ArrayList<>();
        if (integer(v, "dscp") != 0) {
            warnings.add("--dscp " + integer(v, "dscp") + " is not applied: paqet4j sends with DSCP 0");
        }
        if (client && integer(v, "autoexpire") != 0) {
            warnings.add("--autoexpire " + integer(v, "autoexpire")
                    + " is not applied: paqet4j keeps a session until it fails, then dials a new one");
        }
        if (bool(v, "pprof")) {
            warnings.add("--pprof is ignored (Go's profiler; use the JVM's tools)");
        }
        String mode = string(v, "mode");
        boolean manual = mode.equals("manual");
        if (bool(v, "acknodelay") && !manual) {
            warnings.add("--acknodelay is applied in mode manual only; mode " + mode + " sets its own");
        }

        Map<String, Object> kcp = new LinkedHashMap<>();
        kcp.put("key", string(v, "key"));
        kcp.put("block", string(v, "crypt"));
        kcp.put("mode", mode);
        if (manual) {
            kcp.put("nodelay", integer(v, "nodelay"));
            kcp.put("interval", integer(v, "interval"));
            kcp.put("resend", integer(v, "resend"));
            kcp.put("nocongestion", integer(v, "nc"));
            kcp.put("acknodelay", bool(v, "acknodelay"));
        }
        kcp.put("mtu", integer(v, "mtu"));
        kcp.put("sndwnd", integer(v, "sndwnd"));
        kcp.put("rcvwnd", integer(v, "rcvwnd"));
        kcp.put("dshard", integer(v, "datashard"));
        kcp.put("pshard", integer(v, "parityshard"));
        kcp.put("smuxver", integer(v, "smuxver"));
        kcp.put("smuxbuf", integer(v, "smuxbuf"));
        kcp.put("streambuf", integer(v, "streambuf"));
        kcp.put("smuxkalive", integer(v, "keepalive") + "s");

        Map<String, Object> transport = new LinkedHashMap<>();
        Map<String, Object> kcptun = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("role", client ? "client" : "server");
        if (client) {
            config.put("server", Map.of("addr", string(v, "remoteaddr")));
            transport.put("conn", integer(v, "conn"));
            kcptun.put("listen", anyHost(string(v, "localaddr")));
        } else {
            config.put("listen", Map.of("addr", string(v, "listen")));
            kcptun.put("target", string(v, "target"));
        }
        kcptun.put("nocomp", bool(v, "nocomp"));
        config.put("network", Map.of("carrier", "udp", "pcap", Map.of("sockbuf", integer(v, "sockbuf"))));
        transport.put("kcp", kcp);
        config.put("transport", transport);
        config.put("kcptun", kcptun);
        try {
            return new Result(YAML.writeValueAsString(config), warnings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialize", e);
        }
    }

    /** Go's ":port" (every address) as paqet4j writes it. */
    private static String anyHost(String address) {
        return address.startsWith(":") ? "0.0.0.0" + address : address;
    }

    private static String string(Map<String, Object> v, String key) {
        return (String) v.get(key);
    }

    private static int integer(Map<String, Object> v, String key) {
        return (Integer) v.get(key);
    }

    private static boolean bool(Map<String, Object> v, String key) {
        return (Boolean) v.get(key);
    }
}
