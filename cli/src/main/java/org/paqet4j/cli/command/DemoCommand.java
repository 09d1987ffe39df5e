package org.paqet4j.cli.command;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.Carrier;
import org.paqet4j.cli.demo.ByteSize;
import org.paqet4j.cli.demo.Demo;
import org.paqet4j.lab.Impairment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code paqet demo}: a whole tunnel between two namespaces on this machine, a download through it, then cleanup. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the tunnel working on this machine: two network namespaces joined by a veth pair",
            "(198.18.0.0/15), a paqet server and client with a fresh key, a web server on the server side",
            "and a download through the client's SOCKS5 listener with a progress bar; then size, SHA-256",
            "check, throughput and tunnel RTT. Everything it made (namespaces, processes, firewall rules,",
            "files) is removed at the end, also on failure and on Ctrl-C. Needs root; without root,",
            "--carrier udp runs the same tunnel over UDP on loopback.",
            "With --loss, --delay, --reorder or --duplicate the client and server namespaces are joined",
            "through a third one whose userspace bridge impairs every frame, in each direction, as netem",
            "would (this kernel may have no sch_netem; the bridge needs none); the summary adds what it did."
        },
        usageHelpWidth = 100,
        footer = {
            "",
            "Examples:",
            "  sudo paqet demo                         64 MiB over the raw TCP carrier",
            "  sudo paqet demo --size 500M --delay 25ms --loss 1",
            "                                          50 ms more RTT and 1%% loss each way",
            "  sudo paqet demo --loss 2 --reorder 1 --duplicate 0.5",
            "                                          also reordered and duplicated frames",
            "  sudo paqet demo --carrier udp           the same over plain UDP (kcptun's carrier)",
            "  sudo paqet demo --keep                  leave it running, print how to use it; Ctrl-C stops",
            "  paqet demo --carrier udp                without root: UDP on loopback",
            "",
            "Exit code 0 when the downloaded bytes match the served ones, 1 otherwise."
        })
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            defaultValue = "64M",
            converter = ByteSize.Converter.class,
            description = "How much to download: bytes or K, M, G (default: ${DEFAULT-VALUE}).")
    ByteSize size;

    @Option(
            names = "--loss",
            paramLabel = "PERCENT",
            description = "Frames lost in each direction, in percent, e.g. 1 or 0.5%%.")
    String loss;

    @Option(
            names = "--delay",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Delay in each direction (the RTT grows by twice this), e.g. 25ms.")
    Duration delay;

    @Option(
            names = "--reorder",
            paramLabel = "PERCENT",
            description = "Frames held back and sent after the next one, in percent of each direction.")
    String reorder;

    @Option(
            names = "--duplicate",
            paramLabel = "PERCENT",
            description = "Frames sent twice, in percent of each direction.")
    String duplicate;

    @Option(
            names = "--keep",
            description = "Keep everything up after the download and print how to reach it; Ctrl-C removes it.")
    boolean keep;

    @Option(
            names = "--carrier",
            paramLabel = "CARRIER",
            defaultValue = "raw",
            description = "raw (hand-made TCP packets, paqet) or udp (plain UDP, kcptun) (default: ${DEFAULT-VALUE}).")
    String carrier;

    @Override
    public Integer call() {
        Carrier c;
        switch (carrier.toLowerCase(Locale.ROOT)) {
            case "raw" -> c = Carrier.RAW;
            case "udp" -> c = Carrier.UDP;
            default -> {
                spec.commandLine().getErr().println("paqet demo: --carrier must be raw or udp, got '" + carrier + "'");
                return ExitCodes.USAGE;
            }
        }
        Impairment impairment = Impairment.NONE;
        try {
            impairment = impairment
                    .withLoss(probability("--loss", loss))
                    .withReorder(probability("--reorder", reorder))
                    .withDuplicate(probability("--duplicate", duplicate));
            if (delay != null) {
                impairment = impairment.withDelay(delay, Duration.ZERO);
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("paqet demo: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return Demo.run(
                new Demo.Options(size, impairment, keep, c),
                spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }

    /** {@code "1"}, {@code "0.5%"} → 0.01, 0.005; absent → 0. */
    private static double probability(String option, String percent) {
        if (percent == null) {
            return 0;
        }
        String p = percent.endsWith("%") ? percent.substring(0, percent.length() - 1) : percent;
        double v;
        try {
            v = Double.parseDouble(p);
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (!(v >= 0 && v <= 100)) {
            throw new IllegalArgumentException(option + " must be a percentage 0..100, got '" + percent + "'");
        }
        return v / 100;
    }
}
