package org.paqet4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.LoadedConfig;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;
import org.paqet4j.cli.log.Logging;
import org.paqet4j.cli.run.ToolCarriers;
import org.paqet4j.cli.run.TunnelLauncher;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.tools.Pinger;
import org.paqet4j.tunnel.client.TunnelUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet ping -c client.yaml}: connects to the server of a client configuration and measures
 * the round-trip time of PING streams (each answered by a PONG), like ping(8).
 */
@Command(
        name = "ping",
        mixinStandardHelpOptions = true,
        description =
                "Measures the round-trip time to the server of a client configuration through PING streams, or with --raw sends raw packets to its tunnel port.",
        footer = {
            "",
            "Examples:",
            "  paqet ping -c client.yaml",
            "  paqet ping -c client.yaml -n 20 -i 200ms",
            "  paqet ping -c client.yaml --raw -n 3 --payload hello",
            "",
            "--raw sends N raw packets carrying TEXT (default PING) to the server's tunnel",
            "port through the configured carrier (its local port and TCP flags; with",
            "firewall: auto its firewall rules while it runs) and only reports that they",
            "were sent: for checking path, firewall and capture (paqet dump -c server.yaml)",
            "without a working tunnel. Nothing answers them.",
            "",
            "Exit code 0 when at least one PONG came back (--raw: all packets sent), 1 when",
            "none did, 2 for a bad configuration or option."
        })
public final class PingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "config.yaml",
            description = "A client configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            defaultValue = "5",
            description = "How many PINGs to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
            names = {"-i", "--interval"},
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "Time between PINGs, e.g. 1s or 200ms (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--raw", description = "Send raw packets to the server's tunnel port instead of PING streams.")
    boolean raw;

    @Option(
            names = "--payload",
            paramLabel = "TEXT",
            description = "With --raw: the payload of each packet (default: " + Pinger.DEFAULT_PAYLOAD + ").")
    String payload;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1) {
            err.println("paqet ping: --count must be at least 1, got " + count);
            return ExitCodes.USAGE;
        }
        if (payload != null && !raw) {
            err.println("paqet ping: --payload needs --raw (PING streams carry no payload of yours)");
            return ExitCodes.USAGE;
        }
        if (raw && payload != null && payload.isEmpty()) {
            err.println("paqet ping: --payload must not be empty: the server skips segments without payload");
            return ExitCodes.USAGE;
        }
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            return ExitCodes.USAGE;
        }
        PaqetConfig c = loaded.config();
        if (c.role() != Role.CLIENT) {
            err.println("paqet ping: " + config + " is a server configuration; ping needs a client one");
            return ExitCodes.USAGE;
        }
        if (raw) {
            return sendRaw(c, out, err);
        }
        if (c.kcptunMode()) {
            err.println("paqet ping: " + config + " is in kcptun mode, which has no PING");
            return ExitCodes.USAGE;
        }
        Logging.configure(c.logLevel());
        String server = c.server().map(Object::toString).orElse("?");
        TunnelLauncher.Client client;
        try {
            client = TunnelLauncher.startClient(c, false);
        } catch (IOException e) {
            err.println("paqet ping: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        int received = 0;
        double min = Double.MAX_VALUE;
        double max = 0;
        double sum = 0;
        try {
            out.println("PING " + server + " through the tunnel");
            for (int seq = 1; seq <= count; seq++) {
                try {
                    double ms = client.runtime().client().ping().toNanos() / 1e6;
                    received++;
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                    sum += ms;
                    out.println(String.format(Locale.ROOT, "pong from %s: seq=%d time=%.2f ms", server, seq, ms));
                } catch (TunnelUnavailableException e) {
                    // No connection came up: the handshake PING of every dial went unanswered.
                    out.println("no answer from " + server + " (is the server running, and does the key match?): seq="
                            + seq);
                } catch (IOException e) {
                    out.println("no pong from " + server + ": seq=" + seq + ": " + e.getMessage());
                }
                out.flush();
                if (seq < count) {
                    Thread.sleep(interval);
                }
            }
        } finally {
            client.runtime().shutdown(Duration.ofSeconds(2));
        }
        out.println("--- " + server + " ping statistics ---");
        out.println(String.format(
                        Locale.ROOT,
                        "%d sent, %d received, %.0f%% loss",
                        count,
                        received,
                        100.0 * (count - received) / count)
                + (received > 0
                        ? String.format(Locale.ROOT, ", rtt min/avg/max = %.2f/%.2f/%.2f ms", min, sum / received, max)
                        : ""));
        out.flush();
        return received > 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** {@code --raw}: N packets through the client's carrier, no tunnel, no answer expected. */
    private int sendRaw(PaqetConfig c, PrintWriter out, PrintWriter err) throws InterruptedException {
        Logging.configure(c.logLevel());
        byte[] bytes = (payload != null ? payload : Pinger.DEFAULT_PAYLOAD).getBytes(StandardCharsets.UTF_8);
        try (ToolCarriers.ClientCarrier carrier = ToolCarriers.openClient(c)) {
            String from = carrier.description() + " port "
                    + carrier.carrier().localAddress().getPort();
            out.println("RAW PING " + AddressText.of(carrier.server()) + " from " + from + ": " + count
                    + " packet(s) of " + bytes.length + " payload bytes");
            out.flush();
            int sent = Pinger.send(carrier.carrier(), carrier.server(), bytes, count, interval);
            out.println(sent + " sent, " + (long) sent * bytes.length + " payload bytes (nothing answers raw pings; "
                    + "watch them with paqet dump on the server)");
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("paqet ping: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }
}
