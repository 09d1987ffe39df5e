package org.paqet4j.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.packet.firewall.FirewallRules;
import org.paqet4j.packet.firewall.Role;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * The carrier together with the firewall rules of {@link FirewallRules}: while they are in place
 * the receiving kernel answers none of the captured packets; once they are gone it sends a RST.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@NetnsTest
class RawTcpCarrierFirewallTest {

    private static final int PORT_A = 43_001;
    private static final int PORT_B = 43_002;
    private static final int DATAGRAMS = 20;
    private static NetnsPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void createNamespaces() throws Exception {
        pair = NetnsPair.create("pf");
    }

    @AfterAll
    static void deleteNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void withTheRulesTheReceiverSendsNoRstAndWithoutThemItDoes(int family) throws Exception {
        NetnsPair.Side a = pair.a();
        NetnsPair.Side b = pair.b();
        InetAddress addressB = family == 4 ? b.ipv4() : b.ipv6();
        InetSocketAddress toB = new InetSocketAddress(addressB, PORT_B);
        Path capture = dir.resolve("rst-" + family + ".pcap");
        // DATAGRAMS with the rules, one without, and the RST that one provokes: if the kernel reset any
        // earlier datagram, tcpdump would reach its count before the last datagram was even sent
        Process tcpdump = RawTcpCarrierWireTest.startCapture(b, capture, DATAGRAMS + 2, "tcp port " + PORT_B);
        try (RawTcpCarrier sender = pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), PORT_A)
                        .ipv4(a.ipv4(), b.mac())
                        .ipv6(a.ipv6(), b.mac())
                        .build()));
                RawTcpCarrier receiver =
                        pair.inB(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(b.device(), PORT_B)
                                .ipv4(b.ipv4(), a.mac())
                                .ipv6(b.ipv6(), a.mac())
                                .build()))) {
            List<String> rules = FirewallRules.describe(PORT_B, Role.SERVER);
            firewall(b, rules, "-I");
            try {
                ByteBuffer dst = ByteBuffer.allocate(2048);
                for (int i = 0; i < DATAGRAMS; i++) {
                    sender.send(ByteBuffer.wrap(new byte[] {(byte) i}), toB);
                    dst.clear();
                    receiver.receive(dst);
                }
            } finally {
                firewall(b, rules, "-D");
            }
            sender.send(ByteBuffer.wrap(new byte[] {99}), toB);
        } finally {
            RawTcpCarrierWireTest.stopCapture(tcpdump);
        }
        List<String> lines = RawTcpCarrierWireTest.tshark(capture, "tcp.srcport", "tcp.flags.reset", "tcp.len");
        assertThat(lines).hasSize(DATAGRAMS + 2);
        for (int i = 0; i <= DATAGRAMS; i++) {
            assertThat(lines.get(i)).as("packet %d", i).startsWith(PORT_A + "\t");
        }
        String last = lines.get(DATAGRAMS + 1);
        assertThat(last).as("the reset once the rules are gone").startsWith(PORT_B + "\t");
        assertThat(last.split("\t")[1]).isIn("1", "True");
    }

    /** Runs the rule commands for both families in {@code side}'s namespace, inserting or deleting. */
    private static void firewall(NetnsPair.Side side, List<String> rules, String operation) throws Exception {
        for (String rule : rules) {
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", side.namespace()));
            for (String word : rule.split(" ")) {
                command.add(word.equals("-I") ? operation : word);
            }
            NetnsPair.run(command.toArray(String[]::new));
        }
    }
}
