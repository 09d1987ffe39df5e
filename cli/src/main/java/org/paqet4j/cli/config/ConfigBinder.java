package org.paqet4j.cli.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.paqet4j.cli.config.yaml.YamlNode;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;
import org.paqet4j.packet.route.MacAddress;
import org.paqet4j.packet.wire.TcpFlags;

/**
 * Turns a YAML tree into a {@link PaqetConfig}: paqet's schema, defaults and ranges, paqet4j's
 * own keys, and the rules that involve several keys. Every problem is recorded; a config is
 * returned only when there is none.
 */
final class ConfigBinder {
    private static final String HOST_PORT = "a host:port with a host and a port 1-65535 (e.g. \"10.0.0.100:9999\")";
    private static final String LISTEN_HOST_PORT =
            "a host:port with a port 1-65535 (e.g. \"127.0.0.1:1080\" or \":9999\")";
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration HOUR = Duration.ofHours(1);

    private final Problems problems;
    /** "tcp 127.0.0.1:1080" → the path of the entry that listens there, to catch two listeners on one socket. */
    private final Map<String, String> listeners = new HashMap<>();

    ConfigBinder(Problems problems) {
        this.problems = problems;
    }

    Optional<PaqetConfig> bind(YamlNode.Mapping root) {
        Section top = new Section(problems, "", "", root, 0);
        Optional<Role> role = role(top);
        Role r = role.orElse(null);

        Section log = top.section("log");
        LogLevel level = log.choice("level", LogLevel.values(), ConfigDefaults.LOG_LEVEL);
        log.finish();

        List<Socks5Config> socks5 = socks5(top);
        List<ForwardConfig> forward = forward(top);
        boolean kcptunMode = top.has("kcptun");
        Section kcptunSection = top.section("kcptun");
        NetworkConfig network = network(top.section("network"), r, kcptunMode);
        Section serverSection = top.section("server");
        Optional<HostPort> server = serverSection.parsed("addr", HostPort::parseTarget, HOST_PORT);
        serverSection.finish();
        Section listenSection = top.section("listen");
        Optional<HostPort> listen = listenSection.parsed("addr", s -> HostPort.parse(s, 1), LISTEN_HOST_PORT);
        listenSection.finish();
        Section transportSection = top.section("transport");
        TransportConfig transport = transport(transportSection, kcptunMode);
        StatusConfig status = status(top.section("status"));
        LimitsConfig limits = limits(top.section("limits"));
        Section accessSection = top.section("access");
        AccessConfig access = access(accessSection);
        Optional<KcptunConfig> kcptun = kcptunMode ? Optional.of(kcptun(kcptunSection)) : Optional.empty();
        kcptunSection.finish();
        top.finish();

        if (r == Role.CLIENT) {
            clientRules(
                    top,
                    serverSection,
                    listenSection,
                    transportSection,
                    kcptunSection,
                    network,
                    server,
                    transport,
                    kcptun);
        } else if (r == Role.SERVER) {
            serverRules(top, serverSection, listenSection, kcptunSection, network, listen, kcptun);
            if (kcptun.isEmpty() && !transport.kcp().guard().enabled()) {
                publicAddress(network, listen)
                        .ifPresent(
                                address -> listenSection.warn(
                                        "addr",
                                        "the server receives on "
                                                + address
                                                + " with the packet guard off (transport.kcp.guard.enabled): anyone on the internet can"
                                                + " make it decrypt forged datagrams and replay captured ones; enable the guard on both ends"));
            }
        }
        if (problems.hasErrors() || role.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PaqetConfig(
                r, level, socks5, forward, network, server, listen, transport, status, limits, access, kcptun));
    }

    private Optional<Role> role(Section top) {
        if (!top.has("role")) {
            top.error("role", "is required: client or server");
            return Optional.empty();
        }
        Role role = top.choice("role", Role.values(), null);
        return Optional.ofNullable(role);
    }

    private List<Socks5Config> socks5(Section top) {
        List<Socks5Config> result = new ArrayList<>();
        for (Section s : top.sections("socks5")) {
            Optional<HostPort> listen = required(s, "listen", LISTEN_HOST_PORT);
            String username = s.string("username", "");
            String password = s.string("password", "");
            if (username.isEmpty() != password.isEmpty()) {
                s.error(
                        username.isEmpty() ? "password" : "username",
                        "is set but "
                                + (username.isEmpty() ? "username" : "password")
                                + " is not; username and password go together: set both (authentication) or neither");
            }
            s.finish();
            if (listen.isPresent()
                    && username.isEmpty()
                    && !isLoopback(listen.get().host())) {
                s.warn(
                        "listen",
                        "SOCKS5 on "
                                + (listen.get().host().isEmpty()
                                        ? "every address"
                                        : listen.get().host())
                                + " without username and password: anyone who can reach the port uses the tunnel and the server's"
                                + " network; listen on 127.0.0.1 or set username and password");
            }
            // SOCKS5 UDP ASSOCIATE relays on the same address, so a SOCKS5 listener takes both
            listen.ifPresent(l -> claim(s, List.of(ForwardProtocol.TCP, ForwardProtocol.UDP), l));
            listen.ifPresent(l -> result.add(new Socks5Config(l, username, password)));
        }
        return result;
    }

    private List<ForwardConfig> forward(Section top) {
        List<ForwardConfig> result = new ArrayList<>();
        for (Section f : top.sections("forward")) {
            Optional<HostPort> listen = required(f, "listen", LISTEN_HOST_PORT);
            Optional<HostPort> target = required(f, "target", HOST_PORT);
            ForwardProtocol protocol = f.choice("protocol", ForwardProtocol.values(), ForwardProtocol.TCP);
            f.finish();
            listen.ifPresent(l -> claim(f, List.of(protocol), l));
            if (listen.isPresent() && target.isPresent()) {
                result.add(new ForwardConfig(listen.get(), target.get(), protocol));
            }
        }
        return result;
    }

    private void claim(Section s, List<ForwardProtocol> protocols, HostPort address) {
        for (ForwardProtocol protocol : protocols) {
            String previous = listeners.putIfAbsent(protocol.yamlName() + " " + address, s.pathOf("listen"));
            if (previous != null) {
                s.error(
                        "listen",
                        Problems.quote(address.toString()) + " is already the " + protocol.yamlName() + " listener of "
                                + previous);
                return;
            }
        }
    }

    private Optional<HostPort> required(Section s, String key, String allowed) {
        if (!s.has(key)) {
            s.error(key, "is required: " + allowed);
            return Optional.empty();
        }
        return s.parsed(key, key.equals("target") ? HostPort::parseTarget : text -> HostPort.parse(text, 1), allowed);
    }

    private NetworkConfig network(Section n, Role role, boolean kcptunMode) {
        Optional<String> iface = n.parsed(
                "interface", ConfigBinder::interfaceName, "an interface name (1-15 characters, no '/', ':' or spaces)");
        Optional<String> guid = n.string("guid");
        Section v4 = n.section("ipv4");
        Optional<AddressConfig> ipv4 = address(v4, false);
        Section v6 = n.section("ipv6");
        Optional<AddressConfig> ipv6 = address(v6, true);

        Section tcp = n.section("tcp");
        List<FlagCombination> local = flags(tcp, "local_flag");
        List<FlagCombination> remote = flags(tcp, "remote_flag");
        tcp.finish();

        Section pcap = n.section("pcap");
        int defaultSockbuf = role == Role.SERVER ? ConfigDefaults.SOCKBUF_SERVER : ConfigDefaults.SOCKBUF_CLIENT;
        int sockbuf = pcap.integer("sockbuf", defaultSockbuf, 1024, 100 * 1024 * 1024);
        if (Integer.bitCount(sockbuf) != 1) {
            pcap.warn("sockbuf", sockbuf + " is not a power of two; 4194304 (4 MiB) or 8388608 (8 MiB) are usual");
        }
        pcap.finish();

        Carrier carrier = n.choice("carrier", Carrier.values(), kcptunMode ? Carrier.UDP : Carrier.RAW);
        if (kcptunMode && carrier == Carrier.RAW) {
            n.error("carrier", "kcptun mode speaks UDP; remove network.carrier or set it to udp");
        }
        FirewallMode firewall = n.choice("firewall", FirewallMode.values(), FirewallMode.AUTO);

        if (ipv4.isEmpty() && ipv6.isEmpty() && !v4.has("addr") && !v6.has("addr") && carrier == Carrier.RAW) {
            problems.error(
                    n.lineOf("ipv4"),
                    "network.ipv4",
                    "network.ipv4.addr or network.ipv6.addr is required: the local address the packets come from (e.g. \"192.168.1.100:0\")");
        }
        if (ipv4.isPresent()
                && ipv6.isPresent()
                && ipv4.get().port() != ipv6.get().port()) {
            v6.error(
                    "addr",
                    "port " + ipv6.get().port() + " differs from network.ipv4.addr port "
                            + ipv4.get().port() + "; both families use one port");
        }
        n.finish();
        return new NetworkConfig(iface, guid, ipv4, ipv6, local, remote, sockbuf, carrier, firewall);
    }

    private Optional<AddressConfig> address(Section s, boolean v6) {
        String example = v6 ? "\"[2001:db8::1]:0\"" : "\"192.168.1.100:0\"";
        Optional<AddressConfig.Parsed> addr = s.parsed(
                "addr",
                text -> AddressConfig.parse(text, v6),
                (v6 ? "an IPv6 address in brackets" : "an IPv4 address") + " with a port 0-65535 (e.g. " + example
                        + ")");
        Optional<MacAddress> mac = s.parsed("router_mac", ConfigBinder::mac, "a MAC address (aa:bb:cc:dd:ee:ff)");
        if (s.has("router_mac") && !s.has("addr")) {
            s.error("router_mac", "is set but " + s.pathOf("addr") + " is missing");
        }
        s.finish();
        return addr.map(a -> new AddressConfig(a.address(), a.port(), mac));
    }

    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}");

    private static Optional<MacAddress> mac(String text) {
        return MAC.matcher(text).matches() ? Optional.of(MacAddress.parse(text)) : Optional.empty();
    }

    private static Optional<String> interfaceName(String name) {
        boolean ok = !name.isEmpty()
                && name.length() <= 15
                && !name.equals(".")
                && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20);
        return ok ? Optional.of(name) : Optional.empty();
    }

    private List<FlagCombination> flags(Section tcp, String key) {
        List<Section.Item> items = tcp.items(key);
        if (items.size() > TcpFlags.MAX_LIST_LENGTH) {
            tcp.error(
                    key,
                    items.size() + " flag combinations; at most " + TcpFlags.MAX_LIST_LENGTH
                            + " fit paqet's TCPF message");
        }
        List<FlagCombination> flags = new ArrayList<>();
        for (Section.Item item : items) {
            if (!(item.node() instanceof YamlNode.Scalar s) || s.isNull()) {
                problems.error(
                        item.node().line(),
                        item.path(),
                        "must be a string of flag letters (e.g. \"PA\"), not "
                                + item.node().kind());
                continue;
            }
            try {
                flags.add(new FlagCombination(s.text()));
            } catch (IllegalArgumentException e) {
                problems.error(
                        s.line(),
                        item.path(),
                        Problems.quote(s.text()) + " is not a TCP flag combination: " + e.getMessage());
            }
        }
        // paqet: an empty list means the default, PA
        return items.isEmpty() ? ConfigDefaults.TCP_FLAGS : flags;
    }

    private TransportConfig transport(Section t, boolean kcptunMode) {
        TransportProtocol protocol = t.choice("protocol", TransportProtocol.values(), TransportProtocol.KCP);
        int conn = t.integer("conn", ConfigDefaults.CONN, 1, 256);
        KcpConfig kcp = kcp(t.section("kcp"), kcptunMode);
        t.finish();
        return new TransportConfig(protocol, conn, kcp);
    }

    private KcpConfig kcp(Section k, boolean kcptunMode) {
        KcpMode mode = k.choice("mode", KcpMode.values(), ConfigDefaults.MODE, KcpMode::configName);
        KcpTuning tuning = mode.tuning();
        List<String> knobs = List.of("nodelay", "interval", "resend", "nocongestion", "wdelay", "acknodelay");
        if (mode == KcpMode.MANUAL) {
            tuning = new KcpTuning(
                    k.integer("nodelay", tuning.nodelay(), 0, 1),
                    k.integer("interval", tuning.intervalMs(), 10, 5000),
                    k.integer("resend", tuning.resend(), 0, 2),
                    k.integer("nocongestion", tuning.noCongestion() ? 1 : 0, 0, 1) != 0,
                    k.bool("wdelay", tuning.writeDelay()),
                    k.bool("acknodelay", tuning.ackNoDelay()));
        } else {
            // paqet ignores these outside manual mode; so does paqet4j, but it says so
            for (String knob : knobs) {
                if (k.has(knob)) {
                    k.warn(
                            knob,
                            "is ignored unless mode is manual (mode " + mode.configName() + " sets " + knob + " "
                                    + knobValue(tuning, knob) + ")");
                }
            }
        }
        int mtu = k.integer("mtu", ConfigDefaults.MTU, 50, 1500);
        int rcvwnd = k.integer("rcvwnd", ConfigDefaults.WINDOW, 1, 32768);
        int sndwnd = k.integer("sndwnd", ConfigDefaults.WINDOW, 1, 32768);
        // kcptun mode starts from kcptun's defaults, so that a default kcptun peer needs no more keys
        int dshard = k.integer("dshard", kcptunMode ? ConfigDefaults.KCPTUN_DATA_SHARDS : 0, 0, 255);
        int pshard = k.integer("pshard", kcptunMode ? ConfigDefaults.KCPTUN_PARITY_SHARDS : 0, 0, 255);
        if (dshard + pshard > 256) {
            k.error("pshard", "dshard + pshard = " + (dshard + pshard) + "; Reed-Solomon allows at most 256 shards");
        } else if ((dshard == 0) != (pshard == 0)) {
            k.warn(dshard == 0 ? "pshard" : "dshard", "FEC is off unless both dshard and pshard are positive");
        }
        BlockCrypt block = k.choice("block", BlockCrypt.values(), ConfigDefaults.BLOCK);
        String key = k.string("key", "");
        if (!block.encrypts()) {
            k.warn(
                    "block",
                    block.yamlName() + " encrypts nothing: anyone on the path reads the traffic and can"
                            + " forge datagrams; use aes or aes-128-gcm unless this is a test");
        }
        if (key.isEmpty() && block.encrypts()) {
            k.error(
                    "key",
                    "is required with block " + block.yamlName()
                            + " (the same secret on both ends; `paqet secret` makes one)");
        }
        int smuxbuf = k.integer("smuxbuf", ConfigDefaults.SMUXBUF, 1024, 1 << 30);
        int streambuf = k.integer("streambuf", ConfigDefaults.STREAMBUF, 1024, 1 << 30);
        if (streambuf > smuxbuf) {
            k.error(
                    "streambuf",
                    streambuf + " is larger than smuxbuf " + smuxbuf + "; smux needs streambuf <= smuxbuf");
        }
        Duration kalive = k.duration(
                "smuxkalive",
                kcptunMode ? ConfigDefaults.KCPTUN_SMUX_KEEPALIVE : ConfigDefaults.SMUX_KEEPALIVE,
                MIN_TIMEOUT,
                HOUR);
        Duration ktimeout = k.duration(
                "smuxktimeout",
                kcptunMode ? ConfigDefaults.KCPTUN_SMUX_TIMEOUT : ConfigDefaults.SMUX_TIMEOUT,
                MIN_TIMEOUT,
                HOUR);
        if (ktimeout.compareTo(kalive) < 0) {
            k.error(
                    "smuxktimeout",
                    GoDuration.format(ktimeout) + " is shorter than smuxkalive " + GoDuration.format(kalive)
                            + "; smux needs the timeout to be at least the keepalive interval");
        }
        GuardConfig guard = guard(k.section("guard"), kcptunMode);
        Kdf kdf = k.choice("kdf", Kdf.values(), kcptunMode ? Kdf.KCPTUN : Kdf.PAQET);
        if (kcptunMode && kdf != Kdf.KCPTUN) {
            k.error("kdf", "kcptun mode derives keys as kcptun does; remove transport.kcp.kdf or set it to kcptun");
        }
        int smuxver = k.integer(
                "smuxver", kcptunMode ? ConfigDefaults.KCPTUN_SMUX_VERSION : ConfigDefaults.SMUX_VERSION, 1, 2);
        if (smuxver == 1 && !kcptunMode) {
            k.warn("smuxver", "paqet speaks smux v2; v1 only works between paqet4j peers (or with kcptun)");
        }
        k.finish();
        return new KcpConfig(
                mode, tuning, mtu, rcvwnd, sndwnd, dshard, pshard, block, key, smuxbuf, streambuf, kalive, ktimeout,
                guard, kdf, smuxver);
    }

    private static String knobValue(KcpTuning t, String knob) {
        return switch (knob) {
            case "nodelay" -> String.valueOf(t.nodelay());
            case "interval" -> String.valueOf(t.intervalMs());
            case "resend" -> String.valueOf(t.resend());
            case "nocongestion" -> t.noCongestion() ? "1" : "0";
            case "wdelay" -> String.valueOf(t.writeDelay());
            default -> String.valueOf(t.ackNoDelay());
        };
    }

    private GuardConfig guard(Section g, boolean kcptunMode) {
        boolean enabled = g.bool("enabled", false);
        Optional<String> key = g.string("key").filter(s -> !s.isEmpty());
        Duration window = g.duration("window", ConfigDefaults.GUARD_WINDOW, Duration.ofSeconds(1), HOUR);
        Duration skew = g.duration("skew", ConfigDefaults.GUARD_SKEW, Duration.ZERO, HOUR);
        if (skew.compareTo(window) > 0) {
            g.error("skew", GoDuration.format(skew) + " is larger than the window " + GoDuration.format(window));
        }
        if (enabled && kcptunMode) {
            g.error("enabled", "kcptun does not know the packet guard; it cannot be enabled in kcptun mode");
        }
        g.finish();
        return new GuardConfig(enabled, key, window, skew);
    }

    private StatusConfig status(Section s) {
        Optional<HostPort> listen = s.parsed(
                "listen", text -> HostPort.parse(text, 1), "a host:port with a port 1-65535 (e.g. \"127.0.0.1:9090\")");
        Optional<String> token = s.string("token").filter(t -> !t.isEmpty());
        if (token.isPresent() && token.get().length() < StatusConfig.MIN_TOKEN_LENGTH) {
            s.error(
                    "token",
                    "is " + token.get().length() + " characters; use at least " + StatusConfig.MIN_TOKEN_LENGTH
                            + " (paqet secret makes one)");
        }
        // Session peers, targets and counters are for the operator only: off this host only with a token.
        if (listen.isPresent() && token.isEmpty() && !isLoopback(listen.get().host())) {
            s.error("token", "is required when status.listen (" + listen.get() + ") is not a loopback address");
        }
        s.finish();
        return new StatusConfig(listen, token);
    }

    private LimitsConfig limits(Section l) {
        Duration max = Duration.ofMinutes(10);
        LimitsConfig limits = new LimitsConfig(
                l.integer("max_sessions", ConfigDefaults.MAX_SESSIONS, 1, 65535),
                l.integer("max_streams_per_session", ConfigDefaults.MAX_STREAMS_PER_SESSION, 1, 1 << 20),
                l.integer("max_streams_total", ConfigDefaults.MAX_STREAMS_TOTAL, 1, 1 << 22),
                l.duration("header_timeout", ConfigDefaults.HEADER_TIMEOUT, MIN_TIMEOUT, max),
                l.duration("dial_timeout", ConfigDefaults.DIAL_TIMEOUT, MIN_TIMEOUT, max),
                l.duration("handshake_timeout", ConfigDefaults.HANDSHAKE_TIMEOUT, MIN_TIMEOUT, max),
                l.integer("max_connections", ConfigDefaults.MAX_CONNECTIONS, 0, 1 << 24),
                l.integer("max_udp_associations", ConfigDefaults.MAX_UDP_ASSOCIATIONS, 1, 1 << 20),
                l.duration("udp_idle_timeout", ConfigDefaults.UDP_IDLE_TIMEOUT, Duration.ofSeconds(1), HOUR),
                memory(l));
        l.finish();
        return limits;
    }

    /** {@code limits.memory}: 0 (from the heap), or a size such as {@code 64MiB} between 4 MiB and 1 TiB. */
    private static long memory(Section l) {
        String allowed = "0 (from the heap) or a size from 4MiB to 1024GiB (bytes, or a number with KiB, MiB, GiB,"
                + " e.g. \"64MiB\")";
        return l.parsed(
                        "memory",
                        text -> ByteSize.parse(text)
                                .filter(n ->
                                        n == 0 || (n >= ConfigDefaults.MIN_MEMORY && n <= ConfigDefaults.MAX_MEMORY)),
                        allowed)
                .orElse(ConfigDefaults.MEMORY);
    }

    private AccessConfig access(Section a) {
        List<AccessRule> allow = rules(a, "allow").orElse(List.of());
        List<AccessRule> deny = rules(a, "deny").orElse(ConfigDefaults.ACCESS_DENY);
        if (a.has("deny") && deny.isEmpty()) {
            a.warn(
                    "deny",
                    "is empty: clients may reach anything the server can, including link-local addresses and"
                            + " the cloud metadata endpoint 169.254.169.254; keep the default list unless this is a test");
        }
        a.finish();
        return new AccessConfig(allow, deny);
    }

    private Optional<List<AccessRule>> rules(Section a, String key) {
        if (!a.has(key)) {
            return Optional.empty();
        }
        List<AccessRule> rules = new ArrayList<>();
        for (Section.Item item : a.items(key)) {
            if (item.node() instanceof YamlNode.Scalar s && !s.isNull()) {
                AccessRule.parse(s.text())
                        .ifPresentOrElse(
                                rules::add,
                                () -> problems.error(
                                        s.line(),
                                        item.path(),
                                        Problems.quote(s.text())
                                                + " is not an access rule (CIDR with an optional port or port range: "
                                                + "\"10.0.0.0/8\", \"10.0.0.0/8:443\", \"[fd00::/8]:8000-8999\")"));
            } else {
                problems.error(
                        item.node().line(),
                        item.path(),
                        "must be a string (a CIDR rule), not " + item.node().kind());
            }
        }
        return Optional.of(rules);
    }

    private KcptunConfig kcptun(Section k) {
        return new KcptunConfig(
                k.parsed("listen", text -> HostPort.parse(text, 1), LISTEN_HOST_PORT),
                k.parsed("target", HostPort::parseTarget, HOST_PORT),
                k.bool("nocomp", false));
    }

    private void clientRules(
            Section top,
            Section serverSection,
            Section listenSection,
            Section transportSection,
            Section kcptunSection,
            NetworkConfig network,
            Optional<HostPort> server,
            TransportConfig transport,
            Optional<KcptunConfig> kcptun) {
        if (!serverSection.has("addr")) {
            serverSection.error(
                    "addr", "is required for a client: the server's address and port (e.g. \"10.0.0.100:9999\")");
        }
        if (listenSection.has("addr")) {
            listenSection.warn("addr", "is only used by a server; a client ignores it");
        }
        server.flatMap(s -> IpLiterals.parse(s.host())).ifPresent(ip -> {
            boolean v4 = ip instanceof Inet4Address;
            if (network.carrier() == Carrier.RAW && (v4 ? network.ipv4() : network.ipv6()).isEmpty()) {
                serverSection.error(
                        "addr",
                        "the server address is " + (v4 ? "IPv4" : "IPv6") + " but network." + (v4 ? "ipv4" : "ipv6")
                                + " is not configured");
            }
        });
        if (transport.conn() > 1 && network.port() != 0) {
            transportSection.error(
                    "conn",
                    transport.conn() + " connections need a random local port, but network."
                            + (network.ipv4().isPresent() ? "ipv4" : "ipv6") + ".addr sets port " + network.port()
                            + " (use port 0)");
        }
        if (top.has("access")) {
            top.error(
                    "access",
                    "access rules are enforced by the server (it dials the targets); remove them from a client");
        }
        if (kcptun.isPresent()) {
            for (String key : List.of("socks5", "forward")) {
                if (top.has(key)) {
                    top.error(key, "kcptun mode carries kcptun.listen only; " + key + " needs paqet's stream header");
                }
            }
            if (!kcptunSection.has("listen")) {
                kcptunSection.error(
                        "listen",
                        "is required for a kcptun-mode client: the local TCP address to accept (e.g. \"127.0.0.1:8388\")");
            }
            if (kcptunSection.has("target")) {
                kcptunSection.error("target", "is set by the kcptun server; a client has kcptun.listen");
            }
        } else if (!top.has("socks5") && !top.has("forward")) {
            problems.warn(0, "", "a client without socks5 or forward entries carries no traffic");
        }
    }

    private void serverRules(
            Section top,
            Section serverSection,
            Section listenSection,
            Section kcptunSection,
            NetworkConfig network,
            Optional<HostPort> listen,
            Optional<KcptunConfig> kcptun) {
        if (!listenSection.has("addr")) {
            listenSection.error("addr", "is required for a server: the port it receives on (e.g. \":9999\")");
        }
        if (serverSection.has("addr")) {
            serverSection.warn("addr", "is only used by a client; a server ignores it");
        }
        for (String key : List.of("socks5", "forward")) {
            if (top.has(key)) {
                top.error(key, "is only used by a client (role is server)");
            }
        }
        Optional<AddressConfig> local = network.ipv4().or(network::ipv6);
        if (local.isPresent()
                && listen.isPresent()
                && local.get().port() != listen.get().port()) {
            String family = network.ipv4().isPresent() ? "ipv4" : "ipv6";
            listenSection.error(
                    "addr",
                    "port " + listen.get().port() + " differs from network." + family + ".addr port "
                            + local.get().port() + "; the packets arrive at the network port, so they must match");
        }
        if (kcptun.isPresent()) {
            if (!kcptunSection.has("target")) {
                kcptunSection.error(
                        "target",
                        "is required for a kcptun-mode server: where every stream is connected (e.g. \"127.0.0.1:22\")");
            }
            if (kcptunSection.has("listen")) {
                kcptunSection.error("listen", "is set by the kcptun client; a server has kcptun.target");
            }
        }
    }

    /** A host only this machine can reach: a loopback literal or "localhost". */
    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost")
                || IpLiterals.parse(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /**
     * The address a server receives on, when it is (or may be) reachable from the internet: the
     * listen host if it is a literal, else the network addresses; every address counts as public.
     */
    private static Optional<String> publicAddress(NetworkConfig network, Optional<HostPort> listen) {
        String host = listen.map(HostPort::host).orElse("");
        List<InetAddress> addresses = new ArrayList<>();
        if (!host.isEmpty()) {
            Optional<InetAddress> literal = IpLiterals.parse(host);
            if (literal.isEmpty()) {
                return Optional.of(host);
            }
            addresses.add(literal.get());
        } else {
            network.ipv4().ifPresent(a -> addresses.add(a.address()));
            network.ipv6().ifPresent(a -> addresses.add(a.address()));
            if (addresses.isEmpty()) {
                return Optional.of("every address");
            }
        }
        return addresses.stream().filter(ConfigBinder::isPublic).findFirst().map(IpLiterals::format);
    }

    private static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        boolean cgnat = b.length == 4 && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64;
        boolean benchmark = b.length == 4 && (b[0] & 0xFF) == 198 && (b[1] & 0xFE) == 18;
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xFE) == 0xFC;
        return a.isAnyLocalAddress()
                || !(a.isLoopbackAddress()
                        || a.isSiteLocalAddress()
                        || a.isLinkLocalAddress()
                        || cgnat
                        || benchmark
                        || uniqueLocal);
    }
}
