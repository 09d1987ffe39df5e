package org.paqet4j.packet.testing;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.sys.NamespaceThread;

/**
 * Two network namespaces joined by a veth pair, for end-to-end tests: side A is
 * 198.18.N.1/24 and 2001:2:N::1/64, side B .2 and ::2 (IPv6 without DAD). Code runs inside a
 * namespace on a {@link NamespaceThread}; sockets created there
 * belong to that namespace and keep working from any thread. Processes run through
 * {@code ip netns exec}. {@link #close()} deletes both namespaces (and with them the veth pair).
 */
public final class NetnsPair implements AutoCloseable {

    /** One end: its namespace, veth, addresses and MAC. */
    public record Side(String namespace, String device, Inet4Address ipv4, Inet6Address ipv6, byte[] mac) {}

    private final Side a;
    private final Side b;
    private final NamespaceThread threadA;
    private final NamespaceThread threadB;

    private NetnsPair(Side a, Side b) throws IOException {
        this.a = a;
        this.b = b;
        this.threadA = NamespaceThread.enter(a.namespace());
        NamespaceThread entered;
        try {
            entered = NamespaceThread.enter(b.namespace());
        } catch (IOException | RuntimeException e) {
            threadA.close();
            throw e;
        }
        this.threadB = entered;
    }

    /** Creates the pair; {@code area} (2-4 letters) goes into the names, e.g. "pk" → p4j-pk-1a2b3c-a. */
    public static NetnsPair create(String area) throws IOException {
        int n = ThreadLocalRandom.current().nextInt(1, 255);
        String id =
                area + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        String nsA = "p4j-" + id + "-a";
        String nsB = "p4j-" + id + "-b";
        String devA = "p4j" + id.replace("-", "") + "a";
        String devB = "p4j" + id.replace("-", "") + "b";
        if (devA.length() > 15) {
            throw new IllegalArgumentException("area '" + area + "' makes device names too long: " + devA);
        }
        List<String> created = new ArrayList<>();
        try {
            run("ip", "netns", "add", nsA);
            created.add(nsA);
            run("ip", "netns", "add", nsB);
            created.add(nsB);
            run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
            Side a = configure(nsA, devA, n, 1);
            Side b = configure(nsB, devB, n, 2);
            return new NetnsPair(a, b);
        } catch (IOException | RuntimeException e) {
            for (String ns : created) {
                Commands.onHost().attempt("ip", "netns", "del", ns);
            }
            throw e;
        }
    }

    private static Side configure(String ns, String dev, int n, int host) throws IOException {
        String v4 = "198.18." + n + "." + host;
        String v6 = "2001:2:" + Integer.toHexString(n) + "::" + host;
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", dev);
        run("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", dev, "nodad");
        run("ip", "-n", ns, "link", "set", dev, "up");
        String link = run("ip", "-n", ns, "-o", "link", "show", dev);
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(link);
        if (!m.find()) {
            throw new IOException("no MAC in: " + link);
        }
        byte[] mac = HexFormat.ofDelimiter(":").parseHex(m.group(1));
        return new Side(
                ns, dev, (Inet4Address) InetAddress.getByName(v4), (Inet6Address) InetAddress.getByName(v6), mac);
    }

    /**
     * Pings across the link in both families so that both neighbour tables are resolved: the kernel
     * keeps only a short queue of packets for an unresolved neighbour and drops the rest silently.
     */
    public void resolveNeighbours() throws IOException {
        runIn(a.namespace(), "ping", "-c", "1", "-W", "2", b.ipv4().getHostAddress());
        runIn(a.namespace(), "ping", "-6", "-c", "1", "-W", "2", b.ipv6().getHostAddress());
        runIn(b.namespace(), "ping", "-c", "1", "-W", "2", a.ipv4().getHostAddress());
        runIn(b.namespace(), "ping", "-6", "-c", "1", "-W", "2", a.ipv6().getHostAddress());
    }

    public Side a() {
        return a;
    }

    public Side b() {
        return b;
    }

    /** Runs {@code task} on A's namespace thread. */
    public <T> T inA(Callable<T> task) throws Exception {
        return threadA.call(task);
    }

    /** Runs {@code task} on B's namespace thread. */
    public <T> T inB(Callable<T> task) throws Exception {
        return threadB.call(task);
    }

    /** A process builder for {@code command} inside {@code side}'s namespace; the caller starts and ends it. */
    public static ProcessBuilder exec(Side side, String... command) {
        return Commands.inNamespace(side.namespace()).processBuilder(command);
    }

    /**
     * Runs a host command to completion and returns its standard output; fails with its exit code
     * and stderr on a non-zero exit. The one way namespace tests run setup commands.
     */
    public static String run(String... command) throws IOException {
        return Commands.onHost().check(command);
    }

    /** Runs {@code command} inside {@code namespace} and returns its standard output, as {@link #run}. */
    public static String runIn(String namespace, String... command) throws IOException {
        return Commands.inNamespace(namespace).check(command);
    }

    @Override
    public void close() {
        threadA.close();
        threadB.close();
        Commands.onHost().attempt("ip", "netns", "del", a.namespace());
        Commands.onHost().attempt("ip", "netns", "del", b.namespace());
    }
}
