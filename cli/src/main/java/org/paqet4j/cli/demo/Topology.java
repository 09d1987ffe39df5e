package org.paqet4j.cli.demo;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Optional;
import org.paqet4j.lab.Impairment;
import org.paqet4j.lab.LabTopology;
import org.paqet4j.packet.sys.Commands;

/**
 * Where the demo's two ends live: two fresh network namespaces joined by a veth pair with
 * addresses from 198.18.0.0/15 (the benchmarking range, never routed) and fixed locally
 * administered MACs; or, with an impairment, a {@link LabTopology} (client in {@code -a}, the
 * userspace impairment bridge in {@code -m}, server in {@code -b}); or plain loopback when the
 * demo runs without root. The MACs are known, so the configurations can name the peer's MAC.
 */
record Topology(
        Optional<String> serverNamespace,
        Optional<String> clientNamespace,
        String serverVeth,
        String clientVeth,
        String serverAddress,
        String clientAddress,
        String serverMac,
        String clientMac,
        Optional<LabTopology> lab) {

    /** The demo's setup commands ({@code ip}) run on the host. */
    private static final Commands HOST = Commands.onHost();

    static final String SERVER_MAC = "02:70:34:6a:00:01";
    static final String CLIENT_MAC = "02:70:34:6a:00:02";
    private static final String SERVER_ADDRESS = "198.18.0.1";
    private static final String CLIENT_ADDRESS = "198.18.0.2";

    /** Loopback: both ends in this namespace on 127.0.0.1. */
    static Topology loopback() {
        return new Topology(
                Optional.empty(),
                Optional.empty(),
                "lo",
                "lo",
                "127.0.0.1",
                "127.0.0.1",
                SERVER_MAC,
                CLIENT_MAC,
                Optional.empty());
    }

    /**
     * Creates the namespaces {@code p4j-demo-ID-s} and {@code -c} and the veth pair inside them,
     * each step recorded in {@code cleanup} as it is made.
     */
    static Topology namespaces(String id, Cleanup cleanup) throws IOException {
        Topology t = new Topology(
                Optional.of("p4j-demo-" + id + "-s"),
                Optional.of("p4j-demo-" + id + "-c"),
                "p4jd" + id + "s",
                "p4jd" + id + "c",
                SERVER_ADDRESS,
                CLIENT_ADDRESS,
                SERVER_MAC,
                CLIENT_MAC,
                Optional.empty());
        String serverNs = t.serverNamespace().orElseThrow();
        String clientNs = t.clientNamespace().orElseThrow();
        for (String ns : new String[] {serverNs, clientNs}) {
            cleanup.make("namespace " + ns, () -> {
                HOST.check("ip", "netns", "add", ns);
                return () -> {
                    killProcessesIn(ns);
                    HOST.check("ip", "netns", "del", ns);
                };
            });
        }
        // Created straight inside the namespaces: nothing of the demo ever appears in the host's.
        HOST.check(
                "ip",
                "link",
                "add",
                "name",
                t.serverVeth(),
                "netns",
                serverNs,
                "type",
                "veth",
                "peer",
                "name",
                t.clientVeth(),
                "netns",
                clientNs);
        configure(serverNs, t.serverVeth(), SERVER_MAC, t.serverAddress());
        configure(clientNs, t.clientVeth(), CLIENT_MAC, t.clientAddress());
        return t;
    }

    /**
     * Creates {@code p4j-demo-ID-a} (client) — {@code -m} (bridge) — {@code -b} (server) with
     * {@code impairment} applied by the bridge in each direction, recorded in {@code cleanup}.
     * Always the userspace bridge, never tc netem: one path that works on kernels without
     * {@code sch_netem} (this build machine's and CI's) and behaves the same everywhere.
     */
    static Topology impaired(String id, Cleanup cleanup, Impairment impairment, long seed) throws IOException {
        LabTopology[] made = new LabTopology[1];
        cleanup.make("namespaces p4j-demo-" + id + "-a/-m/-b", () -> {
            LabTopology lab = LabTopology.builder("p4j-demo-" + id)
                    .ipv4(CLIENT_ADDRESS + "/24", SERVER_ADDRESS + "/24")
                    .ipv6(null, null)
                    .impairment(impairment, impairment)
                    .seed(seed)
                    .start();
            made[0] = lab;
            return () -> {
                // not the middle: the bridge's threads there belong to this JVM
                killProcessesIn(lab.a().namespace());
                killProcessesIn(lab.b().namespace());
                lab.close();
            };
        });
        LabTopology lab = made[0];
        HexFormat mac = HexFormat.ofDelimiter(":");
        return new Topology(
                Optional.of(lab.b().namespace()),
                Optional.of(lab.a().namespace()),
                lab.b().device(),
                lab.a().device(),
                SERVER_ADDRESS,
                CLIENT_ADDRESS,
                mac.formatHex(lab.b().mac()),
                mac.formatHex(lab.a().mac()),
                Optional.of(lab));
    }

    private static void configure(String ns, String veth, String mac, String address) throws IOException {
        HOST.check("ip", "-n", ns, "link", "set", "dev", veth, "address", mac);
        HOST.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", veth);
        HOST.check("ip", "-n", ns, "link", "set", "dev", veth, "up");
        HOST.check("ip", "-n", ns, "link", "set", "dev", "lo", "up");
    }

    /** Kills whatever still runs inside {@code ns} before it is deleted (its veth end and firewall rules go with it). */
    private static void killProcessesIn(String ns) {
        String pids;
        try {
            pids = HOST.check("ip", "netns", "pids", ns);
        } catch (IOException e) {
            pids = "";
        }
        for (String pid : pids.split("\\s+")) {
            // never this JVM: its lab threads sit in the lab's namespaces (ip netns pids should not list it; be sure)
            if (!pid.isEmpty() && Long.parseLong(pid) != ProcessHandle.current().pid()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    boolean isLoopback() {
        return serverNamespace.isEmpty();
    }
}
