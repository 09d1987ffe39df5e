package org.paqet4j.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.HostPort;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;
import org.paqet4j.cli.status.StatusServer;
import org.paqet4j.cli.status.TunnelStatus;
import org.paqet4j.packet.AddressText;

/** {@code paqet run} without {@code --check}: start, say what listens where, wait for a signal, shut down. */
public final class TunnelProcess {
    /** paqet gives its server 10 s to stop; streams get three quarters of it to finish. */
    static final Duration SHUTDOWN_BUDGET = Duration.ofSeconds(10);

    private TunnelProcess() {}

    public static int run(PaqetConfig config, PrintWriter out, PrintWriter err) {
        ShutdownSignals signals = new ShutdownSignals();
        try {
            if (config.role() == Role.CLIENT) {
                TunnelLauncher.Client client = TunnelLauncher.startClient(config, true);
                // The tunnel's lines first: it is up, whatever the status endpoint does next.
                client.startupLines().forEach(out::println);
                out.flush();
                try (StatusEndpoint status = StatusEndpoint.start(config, client.status())) {
                    status.startupLine().ifPresent(out::println);
                    out.flush();
                    String signal = signals.await();
                    err.println("paqet: " + signal + ", shutting down");
                    err.flush();
                } finally {
                    client.runtime().shutdown(SHUTDOWN_BUDGET);
                }
            } else {
                TunnelLauncher.Server server = TunnelLauncher.startServer(config);
                out.println(server.startupLine());
                out.flush();
                try (StatusEndpoint status = StatusEndpoint.start(config, server.status())) {
                    status.startupLine().ifPresent(out::println);
                    out.flush();
                    String signal = signals.await();
                    err.println("paqet: " + signal + ", shutting down");
                    err.flush();
                } finally {
                    server.runtime().shutdown(SHUTDOWN_BUDGET);
                }
            }
            return ExitCodes.OK;
        } catch (IOException e) {
            err.println("paqet run: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        }
    }

    /** The status endpoint when {@code status.listen} is set; closed before the tunnel shuts down. */
    private record StatusEndpoint(Optional<StatusServer> server, boolean token) implements AutoCloseable {

        static StatusEndpoint start(PaqetConfig config, TunnelStatus status) throws IOException {
            Optional<HostPort> listen = config.status().listen();
            if (listen.isEmpty()) {
                return new StatusEndpoint(Optional.empty(), false);
            }
            HostPort l = listen.get();
            InetSocketAddress bind =
                    l.host().isEmpty() ? new InetSocketAddress(l.port()) : new InetSocketAddress(l.host(), l.port());
            StatusServer server = StatusServer.start(bind, config.status().token(), status::report);
            return new StatusEndpoint(
                    Optional.of(server), config.status().token().isPresent());
        }

        /** What the user is told about the endpoint, after the tunnel's own startup lines. */
        Optional<String> startupLine() {
            return server.map(s -> "status endpoint on http://" + AddressText.of(s.localAddress()) + "/"
                    + (token ? " (bearer token required)" : ""));
        }

        @Override
        public void close() {
            server.ifPresent(StatusServer::close);
        }
    }
}
