package org.paqet4j.cli.command;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.Carrier;
import org.paqet4j.cli.demo.ByteSize;
import org.paqet4j.cli.demo.Demo;
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
      "--carrier udp runs the same tunnel over UDP on loopback."
    },
    usageHelpWidth = 100,
    footer = {
      "",
      "Examples:",
      "  sudo paqet demo                         64 MiB over the raw TCP carrier",
      "  sudo paqet demo --size 500M --delay 25ms --loss 1",
      "                                          50 ms RTT and 1%% loss each way (tc netem)",
      "  sudo paqet demo --carrier udp           the same over plain UDP (kcptun's carrier)",
      "  sudo paqet demo --keep                  leave it running, print how to use it; Ctrl-C stops",
      "  paqet demo --carrier udp                without root: UDP on loopback",
      "",
      "Exit code 0 when the downloaded bytes match the served ones, 1 otherwise."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--size", paramLabel = "SIZE", defaultValue = "64M", converter = ByteSize.Converter.class,
      description = "How much to download: bytes or K, M, G (default: ${DEFAULT-VALUE}).")
  ByteSize size;

  @Option(names = "--loss", paramLabel = "PERCENT",
      description = "Packet loss on each veth end in percent, e.g. 1 or 0.5%% (tc netem).")
  String loss;

  @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Delay on each veth end (the RTT grows by twice this), e.g. 25ms (tc netem).")
  Duration delay;

  @Option(names = "--keep", description = "Keep everything up after the download and print how to reach it; Ctrl-C removes it.")
  boolean keep;

  @Option(names = "--carrier", paramLabel = "CARRIER", defaultValue = "raw",
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
    Optional<Double> lossPercent = Optional.empty();
    if (loss != null) {
      String l = loss.endsWith("%") ? loss.substring(0, loss.length() - 1) : loss;
      double v;
      try {
        v = Double.parseDouble(l);
      } catch (NumberFormatException e) {
        v = -1;
      }
      if (!(v >= 0 && v <= 100)) {
        spec.commandLine().getErr().println("paqet demo: --loss must be a percentage 0..100, got '" + loss + "'");
        return ExitCodes.USAGE;
      }
      lossPercent = Optional.of(v);
    }
    return Demo.run(new Demo.Options(size, lossPercent, Optional.ofNullable(delay), keep, c),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
