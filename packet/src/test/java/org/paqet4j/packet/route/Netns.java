package org.paqet4j.packet.route;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.paqet4j.packet.sys.Commands;

/**
 * A uniquely named network namespace for one test; {@link #close()} kills whatever still runs in
 * it and deletes it (its interfaces, routes and firewall rules go with it).
 */
public final class Netns implements AutoCloseable {

    private final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Creates {@code p4j-<area>-<random>} with its loopback up. */
    public static Netns create(String area) throws IOException, InterruptedException {
        String name = "p4j-" + area + "-" + randomSuffix();
        Commands.onHost().check("ip", "netns", "add", name);
        Netns netns = new Netns(name);
        try {
            netns.run("ip", "link", "set", "lo", "up");
        } catch (IOException | InterruptedException | RuntimeException e) {
            netns.close();
            throw e;
        }
        return netns;
    }

    /** Six random lower-case letters and digits, for namespace and interface names. */
    public static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return suffix.toString();
    }

    /** Joins two namespaces with a veth pair: {@code here} lives in this one, {@code there} in {@code peer}. */
    public void link(String here, Netns peer, String there) throws IOException, InterruptedException {
        Commands.onHost()
                .check(
                        "ip", "link", "add", here, "netns", name, "type", "veth", "peer", "name", there, "netns",
                        peer.name);
        run("ip", "link", "set", here, "up");
        peer.run("ip", "link", "set", there, "up");
    }

    public String name() {
        return name;
    }

    /** {@code command} prefixed so it runs inside this namespace. */
    public List<String> exec(String... command) {
        return Commands.inNamespace(name).processBuilder(command).command();
    }

    public String run(String... command) throws IOException, InterruptedException {
        return Commands.inNamespace(name).check(command);
    }

    /** The MAC address of {@code device} in this namespace. */
    public MacAddress mac(String device) throws IOException, InterruptedException {
        return MacAddress.parse(
                run("cat", "/sys/class/net/" + device + "/address").strip());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String pids = Commands.onHost().check("ip", "netns", "pids", name).strip();
        for (String pid : pids.lines().toList()) {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
        Commands.onHost().check("ip", "netns", "del", name);
    }
}
