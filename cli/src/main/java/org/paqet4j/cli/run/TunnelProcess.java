package org.paqet4j.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;

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
                client.startupLines().forEach(out::println);
                out.flush();
                String signal = signals.await();
                err.println("paqet: " + signal + ", shutting down");
                err.flush();
                client.runtime().shutdown(SHUTDOWN_BUDGET);
            } else {
                TunnelLauncher.Server server = TunnelLauncher.startServer(config);
                out.println(server.startupLine());
                out.flush();
                String signal = signals.await();
                err.println("paqet: " + signal + ", shutting down");
                err.flush();
                server.runtime().shutdown(SHUTDOWN_BUDGET);
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
}
