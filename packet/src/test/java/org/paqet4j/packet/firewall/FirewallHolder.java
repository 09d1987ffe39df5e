package org.paqet4j.packet.firewall;

/**
 * Test main: installs the rules for {@code port role} on the host it runs in (a test namespace,
 * via {@code ip netns exec}), prints {@code installed <backend>} and waits to be signalled.
 */
public final class FirewallHolder {

    private FirewallHolder() {}

    public static void main(String[] args) throws Exception {
        FirewallRules rules = FirewallRules.install(Integer.parseInt(args[0]), Role.valueOf(args[1]));
        System.out.println("installed " + rules.backend());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
