package org.paqet4j.cli.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the demo's two ends live: two fresh network namespaces joined by a veth pair with
 * addresses from 198.18.0.0/15 (the benchmarking range, never routed), fixed locally administered
 * MACs (so the configurations can name the peer's MAC), and optional tc netem impairment on both
 * veth ends; or plain loopback when the demo runs without root.
 */
record Topology(Optional<String> serverNamespace, Optional<String> clientNamespace, String serverVeth,
    String clientVeth, String serverAddress, String clientAddress) {

  static final String SERVER_MAC = "02:70:34:6a:00:01";
  static final String CLIENT_MAC = "02:70:34:6a:00:02";

  /** Loopback: both ends in this namespace on 127.0.0.1. */
  static Topology loopback() {
    return new Topology(Optional.empty(), Optional.empty(), "lo", "lo", "127.0.0.1", "127.0.0.1");
  }

  /**
   * Creates the namespaces {@code p4j-demo-ID-s} and {@code -c} and the veth pair inside them,
   * each step recorded in {@code cleanup} as it is made.
   */
  static Topology namespaces(String id, Cleanup cleanup, Optional<Duration> delay, Optional<Double> lossPercent)
      throws IOException {
    Topology t = new Topology(Optional.of("p4j-demo-" + id + "-s"), Optional.of("p4j-demo-" + id + "-c"),
        "p4jd" + id + "s", "p4jd" + id + "c", "198.18.0.1", "198.18.0.2");
    String serverNs = t.serverNamespace().orElseThrow();
    String clientNs = t.clientNamespace().orElseThrow();
    for (String ns : new String[] {serverNs, clientNs}) {
      cleanup.make("namespace " + ns, () -> {
        HostCommands.run("ip", "netns", "add", ns);
        return () -> deleteNamespace(ns);
      });
    }
    // Created straight inside the namespaces: nothing of the demo ever appears in the host's.
    HostCommands.run("ip", "link", "add", "name", t.serverVeth(), "netns", serverNs, "type", "veth",
        "peer", "name", t.clientVeth(), "netns", clientNs);
    configure(serverNs, t.serverVeth(), SERVER_MAC, t.serverAddress());
    configure(clientNs, t.clientVeth(), CLIENT_MAC, t.clientAddress());
    if (delay.isPresent() || lossPercent.isPresent()) {
      StringBuilder netem = new StringBuilder();
      delay.ifPresent(d -> netem.append(" delay ").append(d.toNanos() / 1000).append("us"));
      lossPercent.ifPresent(l -> netem.append(String.format(Locale.ROOT, " loss %.3f%%", l)));
      for (String[] end : new String[][] {{serverNs, t.serverVeth()}, {clientNs, t.clientVeth()}}) {
        try {
          HostCommands.run(("ip netns exec " + end[0] + " tc qdisc add dev " + end[1] + " root netem" + netem)
              .split(" "));
        } catch (IOException e) {
          throw new IOException("--delay/--loss need tc netem, which failed here (a kernel without sch_netem "
              + "says \"qdisc kind is unknown\"): " + e.getMessage(), e);
        }
      }
    }
    return t;
  }

  private static void configure(String ns, String veth, String mac, String address) throws IOException {
    HostCommands.run("ip", "-n", ns, "link", "set", "dev", veth, "address", mac);
    HostCommands.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", veth);
    HostCommands.run("ip", "-n", ns, "link", "set", "dev", veth, "up");
    HostCommands.run("ip", "-n", ns, "link", "set", "dev", "lo", "up");
  }

  /** Kills whatever still runs inside {@code ns}, then deletes it (its veth end and firewall rules go with it). */
  private static void deleteNamespace(String ns) throws IOException {
    String pids;
    try {
      pids = HostCommands.run("ip", "netns", "pids", ns);
    } catch (IOException e) {
      pids = "";
    }
    for (String pid : pids.split("\\s+")) {
      if (!pid.isEmpty()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    HostCommands.run("ip", "netns", "del", ns);
  }

  boolean isLoopback() {
    return serverNamespace.isEmpty();
  }
}
