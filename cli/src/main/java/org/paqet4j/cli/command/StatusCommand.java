package org.paqet4j.cli.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.HostPort;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.run.ShutdownSignals;
import org.paqet4j.cli.status.StatusClient;
import org.paqet4j.cli.status.StatusTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code paqet status}: reads the status endpoint of a running client or server and prints it. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows the sessions, listeners, limits and counters of a running paqet (its status endpoint).",
        footer = {
            "",
            "Examples:",
            "  paqet status -c server.yaml             the endpoint named by status.listen/token",
            "  paqet status --url http://127.0.0.1:9090/ --json",
            "  paqet status -c client.yaml --watch     redraw every second until Ctrl-C",
            "",
            "Exit code 0 on success (and on Ctrl-C with --watch), 1 when the endpoint cannot",
            "be read, 2 for a bad configuration or option."
        })
public final class StatusCommand implements Callable<Integer> {

    /** Cursor home, clear screen: redraw in place like top(1). */
    private static final String CLEAR = "\033[H\033[2J";

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "The configuration of the running paqet; its status.listen and status.token are used.")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The endpoint's base URL, e.g. http://127.0.0.1:9090/.")
    String url;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "The bearer token (with --url; -c takes it from status.token).")
    String token;

    @Option(names = "--json", description = "Print /status as JSON instead of the summary.")
    boolean json;

    @Option(names = "--watch", description = "Redraw every second until Ctrl-C.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((config == null) == (url == null)) {
            err.println("paqet status: give either -c FILE or --url URL");
            return ExitCodes.USAGE;
        }
        URI base;
        Optional<String> bearer = Optional.ofNullable(token);
        if (url != null) {
            try {
                base = new URI(url);
            } catch (URISyntaxException e) {
                err.println("paqet status: --url " + url + " is not a URL: " + e.getReason());
                return ExitCodes.USAGE;
            }
            if (!"http".equals(base.getScheme()) || base.getHost() == null) {
                err.println("paqet status: --url " + url + " must be http://HOST:PORT/");
                return ExitCodes.USAGE;
            }
        } else {
            PaqetConfig c;
            try {
                c = ConfigLoader.load(config).config();
            } catch (ConfigException e) {
                e.problems().forEach(err::println);
                return ExitCodes.USAGE;
            }
            Optional<HostPort> listen = c.status().listen();
            if (listen.isEmpty()) {
                err.println("paqet status: " + config + " has no status.listen: the endpoint is off");
                return ExitCodes.USAGE;
            }
            base = URI.create("http://" + reachable(listen.get()) + "/");
            if (bearer.isEmpty()) {
                bearer = c.status().token();
            }
        }
        try (StatusClient client = new StatusClient(base, bearer)) {
            if (!watch) {
                out.print(render(client));
                out.flush();
                return ExitCodes.OK;
            }
            ShutdownSignals signals = new ShutdownSignals();
            do {
                String screen;
                try {
                    screen = render(client);
                } catch (IOException e) {
                    screen = "paqet status: " + e.getMessage() + "\n";
                }
                out.print(CLEAR + screen);
                out.flush();
            } while (!signals.awaitFor(Duration.ofSeconds(1)));
            out.println();
            out.flush();
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("paqet status: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private String render(StatusClient client) throws IOException, InterruptedException {
        String body = client.fetchJson();
        return json ? StatusClient.pretty(body) + "\n" : StatusTable.format(StatusClient.parse(body));
    }

    /** Where to connect for a listen address: a wildcard listen is reached on loopback. */
    static String reachable(HostPort listen) {
        String host = listen.host();
        if (host.isEmpty() || host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("::")) {
            host = "::1";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.port();
    }
}
