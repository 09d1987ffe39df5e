package org.paqet4j.packet.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.packet.RawTcpCarrier;
import org.paqet4j.packet.RawTcpCarrierConfig;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.packet.wire.ParseResult;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToolsTest {

    private static final int PORT_A = 44_001;
    private static final int PORT_B = 44_002;

    @TempDir
    Path dir;

    @Test
    @NetnsTest
    void pingsAreSniffedFormattedAndWrittenToAPcapThatTcpdumpReads() throws Exception {
        try (NetnsPair pair = NetnsPair.create("pt")) {
            NetnsPair.Side a = pair.a();
            NetnsPair.Side b = pair.b();
            Path pcap = dir.resolve("sniffed.pcap");
            PacketDumpFormatter formatter = new PacketDumpFormatter(ZoneOffset.UTC);
            List<String> lines = new CopyOnWriteArrayList<>();
            try (TunnelSniffer sniffer = pair.inB(() -> TunnelSniffer.open(b.device(), PORT_B));
                    PcapWriter writer = new PcapWriter(
                            new BufferedOutputStream(Files.newOutputStream(pcap)), PcapWriter.LINKTYPE_RAW);
                    RawTcpCarrier carrier =
                            pair.inA(() -> RawTcpCarrier.open(RawTcpCarrierConfig.builder(a.device(), PORT_A)
                                    .ipv4(a.ipv4(), b.mac())
                                    .ipv6(a.ipv6(), b.mac())
                                    .build()))) {
                CompletableFuture<Void> sniffing = CompletableFuture.runAsync(() -> {
                    try {
                        sniffer.run((micros, result, packet, raw, offset, length) -> {
                            writer.write(raw, offset, length, micros);
                            if (result == ParseResult.OK) {
                                lines.add(formatter.line(Instant.ofEpochSecond(0, micros * 1000), packet) + "\n"
                                        + PacketDumpFormatter.payloadDump(packet, raw));
                            }
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                byte[] ping = Pinger.DEFAULT_PAYLOAD.getBytes(StandardCharsets.US_ASCII);
                assertThat(Pinger.send(
                                carrier, new InetSocketAddress(b.ipv4(), PORT_B), ping, 2, Duration.ofMillis(10)))
                        .isEqualTo(2);
                Pinger.send(carrier, new InetSocketAddress(b.ipv6(), PORT_B), ping, 1, Duration.ZERO);
                Pinger.send(carrier, new InetSocketAddress(b.ipv4(), PORT_B + 1), ping, 1, Duration.ZERO);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (lines.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                sniffer.close();
                sniffing.get(5, TimeUnit.SECONDS);
            }
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0))
                    .matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{6} " + a.ipv4().getHostAddress() + ":"
                            + PORT_A + " → " + b.ipv4().getHostAddress() + ":" + PORT_B
                            + " \\[PA\\] seq \\d+ ack \\d+ len 4\n"
                            + "00000000  50 49 4e 47 .*\\|PING\\|\n");
            assertThat(lines.get(2)).contains("[2001:2:").contains("::2]:" + PORT_B);
            String read = NetnsPair.run("tcpdump", "-nn", "-r", pcap.toString());
            assertThat(read.lines().filter(l -> l.contains("Flags [P.]"))).hasSize(3);
            assertThat(read).contains("length 4").contains("IP6 2001:2:");
        }
    }

    @Test
    void hexDumpMatchesHexdumpMinusCForNonRepeatingData() throws Exception {
        byte[] data = new byte[53];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37 + 11);
        }
        data[3] = 'A';
        Path file = dir.resolve("data.bin");
        Files.write(file, data);
        String hexdump = NetnsPair.run("hexdump", "-C", file.toString());
        String expected = hexdump.substring(0, hexdump.lastIndexOf("00000035"));
        assertThat(PacketDumpFormatter.hexDump(data)).isEqualTo(expected);
        assertThat(PacketDumpFormatter.hexDump(new byte[0])).isEmpty();
        assertThat(PacketDumpFormatter.hexDump("hello world\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |hello world.|\n");
    }
}
