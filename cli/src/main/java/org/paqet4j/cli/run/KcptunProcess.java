package org.paqet4j.cli.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.HostPort;
import org.paqet4j.cli.config.KcptunConfig;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.cli.config.Role;
import org.paqet4j.kcp.KcpEventLoop;
import org.paqet4j.kcp.KcpListener;
import org.paqet4j.packet.PacketCarrier;
import org.paqet4j.tunnel.kcptun.KcptunClient;
import org.paqet4j.tunnel.kcptun.KcptunServer;
import org.paqet4j.tunnel.transport.KcpSessionDialer;
import org.paqet4j.tunnel.transport.TransportSettings;

/**
 * {@code paqet run} in kcptun mode: a drop-in kcptun client (TCP on {@code kcptun.listen}, one
 * stream per connection) or server (every stream to {@code kcptun.target}) over the UDP carrier.
 * Runs until SIGINT or SIGTERM, then closes the listener, the sessions and the lower layers in
 * that order and exits 0.
 */
final class KcptunProcess {
  private static final Duration KCP_IDLE_TIMEOUT = Duration.ofMinutes(2);

  private KcptunProcess() {}

  static int run(PaqetConfig config, PrintWriter out, PrintWriter err) {
    KcptunConfig kcptun = config.kcptun().orElseThrow();
    ShutdownSignals signals = new ShutdownSignals();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      TransportSettings settings = TransportFactory.settings(config);
      String cipher = config.transport().kcp().block().yamlName() + ", smux v" + config.transport().kcp().smuxver();
      CarrierSetup carriers = new CarrierSetup(config.network());
      started.add(carriers);
      KcpEventLoop loop = KcpEventLoop.start("kcp-" + config.role().yamlName());
      started.add(loop);
      if (config.role() == Role.CLIENT) {
        HostPort s = config.server().orElseThrow(() -> new IOException("a client needs server.addr"));
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(s.host()), s.port());
        KcptunClient client = KcptunClient.start(bind(kcptun.listen().orElseThrow()),
            new KcpSessionDialer(loop, carriers.clientCarriers(server), server, settings),
            config.transport().conn());
        started.add(client);
        out.println("kcptun client listening on " + format(client.localAddress()) + " -> " + s + " ("
            + config.transport().conn() + " connection(s), UDP, cipher " + cipher + ")");
      } else {
        HostPort listen = config.listen().orElseThrow(() -> new IOException("a server needs listen.addr"));
        HostPort target = kcptun.target().orElseThrow();
        PacketCarrier carrier = carriers.serverCarrier(listen.host(), listen.port());
        started.add(carrier);
        KcpListener listener = KcpListener.listen(loop, carrier, settings.kcp(), settings.codecs(),
            config.limits().maxSessions(), KCP_IDLE_TIMEOUT);
        started.add(listener);
        KcptunServer server = KcptunServer.start(listener, settings, target.host(), target.port(),
            config.limits().dialTimeout());
        started.add(server);
        out.println("kcptun server listening on " + format(server.localAddress()) + " -> " + target
            + " (UDP, cipher " + cipher + ")");
      }
      out.flush();
      String signal = signals.await();
      err.println("paqet: " + signal + ", shutting down");
      err.flush();
      return ExitCodes.OK;
    } catch (IOException | RuntimeException e) {
      err.println("paqet run: " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILURE;
    } finally {
      // Listener and sessions first, then the event loop, the carrier and its setup.
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception e) {
          err.println("paqet: closing " + started.get(i) + ": " + e.getMessage());
        }
      }
    }
  }

  private static InetSocketAddress bind(HostPort listen) {
    return listen.host().isEmpty() ? new InetSocketAddress(listen.port())
        : new InetSocketAddress(listen.host(), listen.port());
  }

  private static String format(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
