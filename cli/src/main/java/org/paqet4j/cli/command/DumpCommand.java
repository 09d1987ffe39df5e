package org.paqet4j.cli.command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.run.ShutdownSignals;
import org.paqet4j.cli.run.ToolCarriers;
import org.paqet4j.packet.tools.PacketDumpFormatter;
import org.paqet4j.packet.tools.PcapWriter;
import org.paqet4j.packet.tools.TunnelSniffer;
import org.paqet4j.packet.wire.ParseResult;
import org.paqet4j.packet.wire.TcpPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet dump -c FILE}: shows the tunnel packets that arrive on a configuration's tunnel
 * port, like paqet's dump command, and optionally writes them to a pcap file. A tap only: it opens
 * no carrier and installs no firewall rules.
 */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        description = {
            "Captures the tunnel packets arriving on the tunnel port of a configuration (a server's listen port, "
                    + "a client's network.ipv4/ipv6 port) on its interface (network.interface or the one paqet run would use), "
                    + "and prints one line per packet (time, source → destination, TCP flags, seq, ack, payload length) "
                    + "with a hex dump of the payload.",
            "It is only a tap: it installs no firewall rules and sends nothing, so it runs beside paqet run or alone. "
                    + "Runs until Ctrl-C / SIGTERM or --count packets, then prints how many packets were bad or dropped."
        },
        footer = {
            "",
            "Examples:",
            "  paqet dump -c server.yaml",
            "  paqet dump -c server.yaml --write tunnel.pcap --no-hex",
            "  paqet dump -c client.yaml --count 10",
            "  tshark -r tunnel.pcap",
            "",
            "A client needs a fixed port in network.ipv4/ipv6 addr to be tapped. The pcap",
            "holds packets from the IP header on (link type raw IP). Capturing needs root",
            "or CAP_NET_RAW.",
            "",
            "Exit code 0 when stopped, 1 when the capture cannot be opened, 2 for a bad",
            "configuration or option."
        })
public final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "config.yaml",
            description = "A client or server configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = {"-w", "--write"},
            paramLabel = "FILE",
            description = "Also write every captured packet to this pcap file (replaced if it exists).")
    Optional<Path> write;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            defaultValue = "0",
            description = "Stop after N captured packets; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--no-hex", description = "Only the summary line per packet, no hex dump of the payload.")
    boolean noHex;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 0) {
            err.println("paqet dump: --count must be 0 (no limit) or more, got " + count);
            return ExitCodes.USAGE;
        }
        PaqetConfig c;
        try {
            c = ConfigLoader.load(config).config();
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            return ExitCodes.USAGE;
        }
        ToolCarriers.Tap tap;
        try {
            tap = ToolCarriers.tap(c);
        } catch (IOException e) {
            err.println("paqet dump: " + config + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (TunnelSniffer sniffer = TunnelSniffer.open(tap.interfaceName(), tap.port());
                PcapWriter pcap = write.isPresent() ? openPcap(write.get()) : null) {
            out.println("capturing tunnel port " + tap.port() + " on " + tap.interfaceName()
                    + write.map(w -> ", writing " + w).orElse("") + " (no firewall rules installed)");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            ShutdownSignals signals = new ShutdownSignals();
            Thread.ofVirtual().name("dump-signals").start(() -> {
                try {
                    signals.await();
                    stop.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Printer printer = new Printer(out, pcap, count, stop);
            Thread capture = Thread.ofPlatform().name("dump-capture").start(() -> {
                try {
                    sniffer.run(printer);
                } catch (IOException e) {
                    printer.failure = e;
                } finally {
                    stop.countDown();
                }
            });
            stop.await();
            sniffer.close();
            capture.join();
            if (pcap != null) {
                pcap.flush();
            }
            out.println("--- " + printer.summary() + ", " + sniffer.dropped() + " dropped by the kernel ---");
            out.flush();
            if (printer.failure != null) {
                err.println("paqet dump: " + printer.failure.getMessage());
                return ExitCodes.FAILURE;
            }
        }
        return ExitCodes.OK;
    }

    private static PcapWriter openPcap(Path file) throws IOException {
        try {
            return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)), PcapWriter.LINKTYPE_RAW);
        } catch (IOException e) {
            throw new IOException("cannot write the pcap file " + file + ": " + e, e);
        }
    }

    /** Prints and records each captured packet on the capture thread; counts them by what the parser found. */
    private final class Printer implements TunnelSniffer.Listener {
        private final PrintWriter out;
        private final PcapWriter pcap;
        private final long limit;
        private final CountDownLatch stop;
        private final PacketDumpFormatter formatter = new PacketDumpFormatter(ZoneId.systemDefault());
        private final DateTimeFormatter time =
                DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
        private final Map<ParseResult, Long> results = new EnumMap<>(ParseResult.class);
        private long captured;
        volatile IOException failure;

        Printer(PrintWriter out, PcapWriter pcap, long limit, CountDownLatch stop) {
            this.out = out;
            this.pcap = pcap;
            this.limit = limit;
            this.stop = stop;
        }

        @Override
        public void captured(
                long epochMicros, ParseResult result, TcpPacket packet, MemorySegment raw, long offset, int length)
                throws IOException {
            if (limit > 0 && captured >= limit) {
                return; // the main thread is closing the sniffer
            }
            captured++;
            results.merge(result, 1L, Long::sum);
            Instant when = Instant.ofEpochSecond(epochMicros / 1_000_000, epochMicros % 1_000_000 * 1000);
            if (result == ParseResult.OK) {
                out.println(formatter.line(when, packet));
                if (!noHex) {
                    out.print(PacketDumpFormatter.payloadDump(packet, raw));
                }
            } else {
                out.println(time.format(when) + " " + describe(result) + ", " + length + " bytes");
                if (!noHex) {
                    out.print(PacketDumpFormatter.hexDump(
                            raw.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)));
                }
            }
            out.flush();
            if (pcap != null) {
                pcap.write(raw, offset, length, epochMicros);
                pcap.flush();
            }
            if (limit > 0 && captured == limit) {
                stop.countDown();
            }
        }

        private static String describe(ParseResult result) {
            return switch (result) {
                case OK -> "tunnel packet";
                case NOT_TCP -> "not a TCP segment";
                case NO_PAYLOAD -> "TCP segment without payload (not a tunnel packet)";
                case TRUNCATED -> "truncated packet";
                case BAD_CHECKSUM -> "bad checksum";
            };
        }

        String summary() {
            long ok = results.getOrDefault(ParseResult.OK, 0L);
            long bad = captured - ok - results.getOrDefault(ParseResult.NO_PAYLOAD, 0L);
            return captured + " captured, " + ok + " tunnel packets, "
                    + results.getOrDefault(ParseResult.NO_PAYLOAD, 0L) + " without payload, " + bad + " bad ("
                    + results.getOrDefault(ParseResult.BAD_CHECKSUM, 0L) + " checksum, "
                    + results.getOrDefault(ParseResult.TRUNCATED, 0L) + " truncated, "
                    + results.getOrDefault(ParseResult.NOT_TCP, 0L) + " not TCP)";
        }
    }
}
