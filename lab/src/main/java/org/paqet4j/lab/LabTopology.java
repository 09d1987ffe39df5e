package org.paqet4j.lab;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.sys.NamespaceThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three network namespaces in a row, {@code <prefix>-a} — {@code <prefix>-m} —
 * {@code <prefix>-b}, joined by veth pairs a↔m and m↔b, with an {@link ImpairedBridge} in m
 * forwarding between them: hosts a and b share one subnet as if on one (impaired) wire. Built
 * with {@code ip} and {@code ethtool}; offloads are off on every veth so that frames are at most
 * MTU-sized and carry real checksums. When {@link Builder#start()} returns, both hosts know each
 * other's MAC (one ping each way and family, before the impairments apply). {@link #close()} (also run by a shutdown hook) stops the
 * bridge and deletes the namespaces; it is idempotent.
 *
 * <pre>{@code
 * try (LabTopology lab = LabTopology.builder(LabTopology.uniquePrefix("lab"))
 *         .impairment(Impairment.parse("loss 5% delay 20ms 5ms"), Impairment.NONE).seed(7).start()) {
 *     lab.exec(lab.a(), "ping", "-c", "3", lab.b().ipv4().getHostAddress());
 * }
 * }</pre>
 */
public final class LabTopology implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LabTopology.class);
    private static final Commands HOST = Commands.onHost();
    /** Device names are fixed: each lives in its own namespace, created there directly. */
    public static final String DEVICE_A = "lab-a";

    public static final String DEVICE_B = "lab-b";
    public static final String DEVICE_MIDDLE_A = "lab-ma";
    public static final String DEVICE_MIDDLE_B = "lab-mb";

    /** One end host: its namespace, veth, addresses (IPv6 may be null) and MAC. */
    public record Host(
            String namespace, String device, Inet4Address ipv4, int ipv4Prefix, Inet6Address ipv6, byte[] mac) {

        public Host {
            mac = mac.clone();
        }

        @Override
        public byte[] mac() {
            return mac.clone();
        }
    }

    private final String prefix;
    private final Host a;
    private final Host b;
    private final String middle;
    private final long seed;
    private final NamespaceThread threadA;
    private final NamespaceThread threadB;
    private final NamespaceThread threadMiddle;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private ImpairedBridge bridge;

    private LabTopology(
            String prefix,
            Host a,
            Host b,
            String middle,
            long seed,
            NamespaceThread threadA,
            NamespaceThread threadB,
            NamespaceThread threadMiddle) {
        this.prefix = prefix;
        this.a = a;
        this.b = b;
        this.middle = middle;
        this.seed = seed;
        this.threadA = threadA;
        this.threadB = threadB;
        this.threadMiddle = threadMiddle;
        this.shutdownHook = Thread.ofPlatform().unstarted(this::close);
    }

    /** A prefix no concurrent test will pick: {@code p4j-<area>-<6 hex digits>}. */
    public static String uniquePrefix(String area) {
        return "p4j-" + area + "-"
                + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** {@code prefix} names the namespaces ({@code <prefix>-a}, {@code -m}, {@code -b}); at most 28 characters. */
    public static Builder builder(String prefix) {
        return new Builder(prefix);
    }

    /** Options of a topology; addresses default to 198.18.0.1/24 and .2, 2001:2::1/64 and ::2. */
    public static final class Builder {

        private final String prefix;
        private String ipv4A = "198.18.0.1/24";
        private String ipv4B = "198.18.0.2/24";
        private String ipv6A = "2001:2::1/64";
        private String ipv6B = "2001:2::2/64";
        private Impairment aToB = Impairment.NONE;
        private Impairment bToA = Impairment.NONE;
        private long seed = 1;
        private int mtu = 1500;

        private Builder(String prefix) {
            if (!prefix.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,27}")) {
                throw new IllegalArgumentException("namespace prefix '" + prefix
                        + "': 1 to 28 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            this.prefix = prefix;
        }

        /** IPv4 addresses with prefix length, e.g. "198.18.0.1/24" and "198.18.0.2/24". */
        public Builder ipv4(String cidrA, String cidrB) {
            this.ipv4A = cidrA;
            this.ipv4B = cidrB;
            return this;
        }

        /** IPv6 addresses with prefix length (added with nodad), or both null for none. */
        public Builder ipv6(String cidrA, String cidrB) {
            this.ipv6A = cidrA;
            this.ipv6B = cidrB;
            return this;
        }

        public Builder impairment(Impairment aToBValue, Impairment bToAValue) {
            this.aToB = aToBValue;
            this.bToA = bToAValue;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** MTU of every veth (default 1500). */
        public Builder mtu(int value) {
            this.mtu = value;
            return this;
        }

        /** Creates the namespaces and links and starts the bridge; on failure removes whatever it created. */
        public LabTopology start() throws IOException {
            return create(this);
        }
    }

    private static LabTopology create(Builder options) throws IOException {
        String nsA = options.prefix + "-a";
        String nsM = options.prefix + "-m";
        String nsB = options.prefix + "-b";
        List<String> created = new ArrayList<>();
        List<NamespaceThread> threads = new ArrayList<>();
        try {
            for (String ns : List.of(nsA, nsM, nsB)) {
                HOST.check("ip", "netns", "add", ns);
                created.add(ns);
            }
            HOST.check(
                    "ip",
                    "link",
                    "add",
                    DEVICE_A,
                    "netns",
                    nsA,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    DEVICE_MIDDLE_A,
                    "netns",
                    nsM);
            HOST.check(
                    "ip",
                    "link",
                    "add",
                    DEVICE_B,
                    "netns",
                    nsB,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    DEVICE_MIDDLE_B,
                    "netns",
                    nsM);
            // the middle is a wire, not a host: no IPv6 of its own (no NDP, MLD or router solicitations)
            Commands.inNamespace(nsM).check("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            Commands.inNamespace(nsM).check("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            for (String device : List.of(DEVICE_MIDDLE_A, DEVICE_MIDDLE_B)) {
                prepareDevice(nsM, device, options.mtu);
                HOST.check("ip", "-n", nsM, "link", "set", device, "promisc", "on");
                HOST.check("ip", "-n", nsM, "link", "set", device, "up");
            }
            HOST.check("ip", "-n", nsM, "link", "set", "lo", "up");
            Host a = configureHost(nsA, DEVICE_A, options.ipv4A, options.ipv6A, options.mtu);
            Host b = configureHost(nsB, DEVICE_B, options.ipv4B, options.ipv6B, options.mtu);
            NamespaceThread threadA = NamespaceThread.enter(nsA);
            threads.add(threadA);
            NamespaceThread threadB = NamespaceThread.enter(nsB);
            threads.add(threadB);
            NamespaceThread threadMiddle = NamespaceThread.enter(nsM);
            threads.add(threadMiddle);
            LabTopology lab = new LabTopology(options.prefix, a, b, nsM, options.seed, threadA, threadB, threadMiddle);
            Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
            try {
                lab.impair(Impairment.NONE, Impairment.NONE);
                lab.resolveNeighbours();
                lab.impair(options.aToB, options.bToA);
            } catch (IOException | RuntimeException e) {
                lab.close();
                throw e;
            }
            LOG.info(
                    "lab {}: {} {} <-> bridge in {} <-> {} {}",
                    options.prefix,
                    nsA,
                    a.ipv4().getHostAddress(),
                    nsM,
                    nsB,
                    b.ipv4().getHostAddress());
            return lab;
        } catch (IOException | RuntimeException e) {
            threads.forEach(NamespaceThread::close);
            for (String ns : created) {
                runQuietly("ip", "netns", "del", ns);
            }
            throw e;
        }
    }

    /** Offloads off: frames stay MTU-sized with finished checksums, as on a real wire. */
    private static void prepareDevice(String ns, String device, int mtu) throws IOException {
        HOST.check("ip", "-n", ns, "link", "set", device, "mtu", Integer.toString(mtu));
        Commands.inNamespace(ns)
                .check("ethtool", "-K", device, "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off");
    }

    private static Host configureHost(String ns, String device, String ipv4, String ipv6, int mtu) throws IOException {
        prepareDevice(ns, device, mtu);
        HOST.check("ip", "-n", ns, "link", "set", "lo", "up");
        HOST.check("ip", "-n", ns, "addr", "add", ipv4, "dev", device);
        if (ipv6 != null) {
            HOST.check("ip", "-n", ns, "addr", "add", ipv6, "dev", device, "nodad");
        }
        HOST.check("ip", "-n", ns, "link", "set", device, "up");
        String link = HOST.check("ip", "-n", ns, "-o", "link", "show", device);
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(link);
        if (!m.find()) {
            throw new IOException("no MAC for " + device + " in " + ns + ": " + link);
        }
        String[] v4 = ipv4.split("/", 2);
        if (v4.length != 2) {
            throw new IllegalArgumentException("IPv4 address '" + ipv4 + "' needs a prefix length, e.g. /24");
        }
        Inet6Address v6 = ipv6 == null ? null : (Inet6Address) InetAddress.getByName(ipv6.split("/", 2)[0]);
        return new Host(
                ns,
                device,
                (Inet4Address) InetAddress.getByName(v4[0]),
                Integer.parseInt(v4[1]),
                v6,
                HexFormat.ofDelimiter(":").parseHex(m.group(1)));
    }

    /**
     * Pings across the bridge in both directions and families (before the impairments apply) so
     * that both neighbour tables are resolved: a kernel keeps only a short queue of packets for
     * an unresolved neighbour and drops the rest silently. Also proves the bridge forwards.
     */
    private void resolveNeighbours() throws IOException {
        List<String[]> pings = new ArrayList<>();
        pings.add(new String[] {a.namespace(), "-4", b.ipv4().getHostAddress()});
        pings.add(new String[] {b.namespace(), "-4", a.ipv4().getHostAddress()});
        if (a.ipv6() != null && b.ipv6() != null) {
            pings.add(new String[] {a.namespace(), "-6", b.ipv6().getHostAddress()});
            pings.add(new String[] {b.namespace(), "-6", a.ipv6().getHostAddress()});
        }
        for (String[] ping : pings) {
            Commands.inNamespace(ping[0]).check("ping", ping[1], "-c", "1", "-W", "5", ping[2]);
        }
    }

    /**
     * Replaces the bridge with one applying new impairments (counters start again from zero);
     * frames queued in the old bridge are discarded.
     */
    public synchronized void impair(Impairment aToB, Impairment bToA) throws IOException {
        if (closed.get()) {
            throw new IllegalStateException("lab " + prefix + " is closed");
        }
        if (bridge != null) {
            bridge.close();
            bridge = null;
        }
        try {
            bridge = threadMiddle.call(() -> ImpairedBridge.start(DEVICE_MIDDLE_A, DEVICE_MIDDLE_B, aToB, bToA, seed));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("starting the bridge in " + middle + " failed", e);
        }
    }

    public Host a() {
        return a;
    }

    public Host b() {
        return b;
    }

    public String middleNamespace() {
        return middle;
    }

    /** The running bridge: A is host a's side, so {@code bridge().aToB()} counts frames a sent to b. */
    public synchronized ImpairedBridge bridge() {
        return bridge;
    }

    /** Runs {@code task} on a platform thread inside a's namespace (sockets opened there stay in it). */
    public <T> T inA(Callable<T> task) throws Exception {
        return threadA.call(task);
    }

    /** Runs {@code task} on a platform thread inside b's namespace. */
    public <T> T inB(Callable<T> task) throws Exception {
        return threadB.call(task);
    }

    /** A process builder for {@code command} inside {@code host}'s namespace ({@code ip netns exec}). */
    public static ProcessBuilder exec(Host host, String... command) {
        return Commands.inNamespace(host.namespace()).processBuilder(command);
    }

    /** Stops the bridge and deletes the three namespaces (and with them the veths). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            if (bridge != null) {
                bridge.close();
            }
        }
        threadA.close();
        threadB.close();
        threadMiddle.close();
        for (String ns : List.of(a.namespace(), middle, b.namespace())) {
            runQuietly("ip", "netns", "del", ns);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook finds the lab closed
            }
        }
    }

    private static void runQuietly(String... command) {
        HOST.attempt(command).ifPresent(problem -> LOG.warn("lab cleanup: {}", problem));
    }
}
