package org.paqet4j.cli.command;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLException;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.demo.ByteSize;
import org.paqet4j.cli.run.ShutdownSignals;
import org.paqet4j.grpcws.BridgeLimits;
import org.paqet4j.grpcws.ClientOptions;
import org.paqet4j.grpcws.GrpcWebSocketBridge;
import org.paqet4j.grpcws.LocalH2cBridge;
import org.paqet4j.grpcws.demo.EchoService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet grpc-bridge serve|connect}: gRPC over WebSocket. {@code serve} puts a gRPC server
 * (or the built-in demo service) behind a WebSocket path; {@code connect} gives any gRPC client a
 * local plain-h2c port whose connections travel over WebSockets to such a bridge.
 */
@Command(
        name = "grpc-bridge",
        mixinStandardHelpOptions = true,
        description =
                "gRPC over WebSocket: serve a gRPC server on a WebSocket path, or connect a local h2c port to one.",
        subcommands = {GrpcBridgeCommand.Serve.class, GrpcBridgeCommand.Connect.class},
        footer = {
            "",
            "Examples:",
            "  paqet grpc-bridge serve --listen 0.0.0.0:8080 --backend 127.0.0.1:50051",
            "  paqet grpc-bridge serve --listen 127.0.0.1:8080 --demo      then open http://127.0.0.1:8080/demo",
            "  paqet grpc-bridge connect --listen 127.0.0.1:50052 --url ws://bridge.example:8080/grpc",
            "  paqet grpc-bridge serve --listen 0.0.0.0:8443 --backend 127.0.0.1:50051 --tls-cert cert.pem --tls-key key.pem",
            "  paqet grpc-bridge connect --listen 127.0.0.1:50052 --url wss://bridge.example:8443/grpc --ca my-ca.pem",
            "  mutual TLS: serve ... --tls-client-ca clients-ca.pem;  connect ... --tls-cert me.pem --tls-key me-key.pem",
            "",
            "Exit codes: 0 stopped by SIGINT/SIGTERM, 1 runtime failure (e.g. the port is taken), 2 bad options."
        })
public final class GrpcBridgeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "serve or connect is required");
    }

    /** HOST:PORT or [V6]:PORT; names are resolved once, at start. */
    static InetSocketAddress hostPort(String text, String option) throws UnknownHostException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + " " + text + " is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + text + ": port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " " + text + ": port " + port + " is out of range");
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /**
     * A wss:// server context from PEM files; an unreadable file is a bad option, not a crash. With
     * {@code clientCa} (nullable) every client must present a certificate that CA signed (mutual
     * TLS): a client without one, or with one from another CA, fails the handshake.
     */
    static SslContext serverTls(Path cert, Path key, Path clientCa) {
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(cert.toFile(), key.toFile()).sslProvider(SslProvider.JDK);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-cert " + cert + " / --tls-key " + key + ": " + rootMessage(e), e);
        }
        if (clientCa != null) {
            try {
                builder.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tls-client-ca " + clientCa + ": " + rootMessage(e), e);
            }
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--tls-cert " + cert + " / --tls-key " + key
                            + (clientCa != null ? " / --tls-client-ca " + clientCa : "")
                            + ": " + rootMessage(e),
                    e);
        }
    }

    /**
     * A wss:// client context. With {@code ca} (nullable) it trusts only that CA, else the system's
     * CAs; either way it checks that the certificate names the host of the URL. There is
     * deliberately no option to trust any certificate: a private CA is how to reach a bridge whose
     * certificate the system does not trust. With {@code cert} and {@code key} (both or neither) it
     * presents that certificate to a bridge that asks for one (mutual TLS).
     */
    static SslContext clientTls(Path ca, Path cert, Path key) {
        SslContextBuilder builder =
                SslContextBuilder.forClient().sslProvider(SslProvider.JDK).endpointIdentificationAlgorithm("HTTPS");
        try {
            if (ca != null) {
                builder.trustManager(ca.toFile());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ca " + ca + ": " + rootMessage(e), e);
        }
        try {
            if (cert != null) {
                builder.keyManager(cert.toFile(), key.toFile());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-cert " + cert + " / --tls-key " + key + ": " + rootMessage(e), e);
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    (ca != null ? "--ca " + ca : "")
                            + (cert != null
                                    ? (ca != null ? " / " : "") + "--tls-cert " + cert + " / --tls-key " + key
                                    : "")
                            + ": " + rootMessage(e),
                    e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private static String show(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description =
                    "Accepts WebSockets on --path and carries each to the gRPC server at --backend (or the built-in demo Echo service with --demo).",
            footer = {
                "",
                "Limits (all on by default): --read-limit, --max-connections, --max-per-ip,",
                "--upgrades-per-minute (HTTP 429 beyond them), --ping/--idle (keepalive: any inbound",
                "frame counts as life), --grace (shutdown: GOAWAY, then close frames after this long).",
                "Browsers from other origins need --allow-origin; pages the bridge serves itself",
                "(/demo) and non-browser clients need nothing."
            })
    public static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--listen",
                paramLabel = "HOST:PORT",
                required = true,
                description = "Where to accept WebSockets.")
        String listen;

        @Option(
                names = "--backend",
                paramLabel = "HOST:PORT",
                description = "The gRPC server (plaintext h2c) to forward to.")
        String backend;

        @Option(names = "--demo", description = "Serve the built-in paqet4j.demo.Echo service instead of a backend.")
        boolean demo;

        @Option(
                names = "--proxy-protocol",
                description = "Start each backend connection with a PROXY protocol v2 header (client address;"
                        + " Origin as TLV 0xE0). The backend must expect it.")
        boolean proxyProtocol;

        @Option(names = "--backend-loopback-only", description = "Refuse a --backend that is not a loopback address.")
        boolean loopbackOnly;

        @Option(
                names = "--path",
                paramLabel = "PATH",
                defaultValue = "/grpc",
                description = "WebSocket path (default: ${DEFAULT-VALUE}).")
        String path;

        @Option(
                names = "--allow-origin",
                paramLabel = "ORIGIN",
                description = "Let browsers from ORIGIN (e.g. https://app.example, or *) connect; repeatable.")
        List<String> origins = new ArrayList<>();

        @Option(
                names = "--trust-proxy",
                paramLabel = "ADDRESS",
                description = "Believe X-Forwarded-For from this proxy address; repeatable.")
        List<String> trustedProxies = new ArrayList<>();

        @Option(
                names = "--read-limit",
                paramLabel = "SIZE",
                defaultValue = "16M",
                converter = ByteSize.Converter.class,
                description = "Largest WebSocket message; bigger closes with 1009 (default: ${DEFAULT-VALUE}).")
        ByteSize readLimit;

        @Option(
                names = "--max-connections",
                paramLabel = "N",
                defaultValue = "4096",
                description = "WebSockets open at once (default: ${DEFAULT-VALUE}).")
        int maxConnections;

        @Option(
                names = "--max-per-ip",
                paramLabel = "N",
                defaultValue = "64",
                description = "WebSockets open at once per client address (default: ${DEFAULT-VALUE}).")
        int maxPerIp;

        @Option(
                names = "--upgrades-per-minute",
                paramLabel = "N",
                defaultValue = "300",
                description = "Upgrade requests per client address per minute (default: ${DEFAULT-VALUE}).")
        int upgradesPerMinute;

        @Option(
                names = "--ping",
                paramLabel = "DURATION",
                defaultValue = "30s",
                converter = DurationConverter.class,
                description = "Ping after this long without inbound frames (default: ${DEFAULT-VALUE}).")
        Duration ping;

        @Option(
                names = "--idle",
                paramLabel = "DURATION",
                defaultValue = "90s",
                converter = DurationConverter.class,
                description = "Close (1001) after this long without inbound frames (default: ${DEFAULT-VALUE}).")
        Duration idle;

        @Option(
                names = "--grace",
                paramLabel = "DURATION",
                defaultValue = "5s",
                converter = DurationConverter.class,
                description = "On shutdown, time calls get after GOAWAY (default: ${DEFAULT-VALUE}).")
        Duration grace;

        @Option(
                names = "--tls-cert",
                paramLabel = "FILE",
                description = "Serve wss:// with this PEM certificate chain (needs --tls-key).")
        Path tlsCert;

        @Option(
                names = "--tls-key",
                paramLabel = "FILE",
                description = "The PEM private key (PKCS#8, unencrypted) for --tls-cert.")
        Path tlsKey;

        @Option(
                names = "--tls-client-ca",
                paramLabel = "FILE",
                description = "Mutual TLS: require every client to present a certificate signed by a CA in this PEM"
                        + " file (needs --tls-cert).")
        Path tlsClientCa;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            GrpcWebSocketBridge.Builder builder;
            try {
                if (demo == (backend != null)) {
                    throw new IllegalArgumentException("give exactly one of --backend HOST:PORT and --demo");
                }
                if (readLimit.bytes() > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("--read-limit " + readLimit + " is over 2 GiB");
                }
                BridgeLimits defaults = BridgeLimits.defaults();
                BridgeLimits limits = new BridgeLimits(
                        (int) readLimit.bytes(),
                        maxConnections,
                        maxPerIp,
                        upgradesPerMinute,
                        ping,
                        idle,
                        defaults.handshakeTimeout(),
                        defaults.maxRequestBytes(),
                        grace);
                builder = GrpcWebSocketBridge.builder(hostPort(listen, "--listen"))
                        .path(path)
                        .limits(limits);
                if (demo && proxyProtocol) {
                    throw new IllegalArgumentException("--proxy-protocol needs --backend (the demo has no backend)");
                }
                if (demo) {
                    builder.direct(new EchoService())
                            .configureServer(b -> b.maxInboundMessageSize(limits.readLimitBytes()));
                } else {
                    builder.proxy(hostPort(backend, "--backend"))
                            .backendLoopbackOnly(loopbackOnly)
                            .proxyProtocol(proxyProtocol);
                }
                if ((tlsCert == null) != (tlsKey == null)) {
                    throw new IllegalArgumentException("--tls-cert and --tls-key go together");
                }
                if (tlsClientCa != null && tlsCert == null) {
                    throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
                }
                if (tlsCert != null) {
                    builder.tls(serverTls(tlsCert, tlsKey, tlsClientCa));
                }
                origins.forEach(builder::allowOrigin);
                for (String proxy : trustedProxies) {
                    builder.trustProxy(InetAddress.getByName(proxy));
                }
            } catch (IllegalArgumentException | UnknownHostException e) {
                err.println("paqet grpc-bridge serve: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            ShutdownSignals signals = new ShutdownSignals();
            try (GrpcWebSocketBridge bridge = builder.start()) {
                String scheme = (tlsCert != null ? "wss://" : "ws://") + show(bridge.address());
                out.println("paqet grpc-bridge: WebSocket " + scheme + path + " -> "
                        + (demo
                                ? "built-in demo service paqet4j.demo.Echo (page: "
                                        + (tlsCert != null ? "https://" : "http://") + show(bridge.address())
                                        + "/demo)"
                                : "gRPC backend " + backend));
                out.flush();
                String signal = signals.await();
                err.println("paqet grpc-bridge: " + signal + ", shutting down");
                err.flush();
                return ExitCodes.OK;
            } catch (IllegalArgumentException e) {
                err.println("paqet grpc-bridge serve: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IOException e) {
                err.println("paqet grpc-bridge serve: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "connect",
            mixinStandardHelpOptions = true,
            description =
                    "Listens for plain h2c gRPC on --listen and carries each connection over its own WebSocket to --url.")
    public static final class Connect implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--listen",
                paramLabel = "HOST:PORT",
                required = true,
                description = "Local h2c port for gRPC clients.")
        String listen;

        @Option(
                names = "--url",
                paramLabel = "URL",
                required = true,
                description = "The bridge, ws://HOST:PORT/PATH or wss://...")
        String url;

        @Option(
                names = {"-H", "--header"},
                paramLabel = "NAME:VALUE",
                description = "Extra upgrade request header (e.g. Authorization); repeatable.")
        List<String> headers = new ArrayList<>();

        @Option(
                names = "--ca",
                paramLabel = "FILE",
                description = "Trust the bridge's certificate if this PEM CA (or the certificate itself) signed it,"
                        + " instead of the system's CAs (wss:// only). The host name is still checked.")
        Path ca;

        @Option(
                names = "--tls-cert",
                paramLabel = "FILE",
                description = "Present this PEM client certificate chain to a bridge that requires one"
                        + " (mutual TLS; wss:// only; needs --tls-key).")
        Path tlsCert;

        @Option(
                names = "--tls-key",
                paramLabel = "FILE",
                description = "The PEM private key (PKCS#8, unencrypted) for --tls-cert.")
        Path tlsKey;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            InetSocketAddress local;
            URI bridgeUrl;
            ClientOptions options = ClientOptions.defaults();
            try {
                local = hostPort(listen, "--listen");
                bridgeUrl = URI.create(url);
                String scheme = bridgeUrl.getScheme();
                if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme) || bridgeUrl.getHost() == null) {
                    throw new IllegalArgumentException(
                            "--url " + url + " is not ws://HOST:PORT/PATH or wss://HOST:PORT/PATH");
                }
                if ((tlsCert == null) != (tlsKey == null)) {
                    throw new IllegalArgumentException("--tls-cert and --tls-key go together");
                }
                if (ca != null || tlsCert != null) {
                    if (!"wss".equalsIgnoreCase(scheme)) {
                        throw new IllegalArgumentException(
                                (ca != null ? "--ca" : "--tls-cert") + " needs a wss:// --url");
                    }
                    options = options.withTls(clientTls(ca, tlsCert, tlsKey));
                }
                for (String h : headers) {
                    int colon = h.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("--header " + h + " is not NAME:VALUE");
                    }
                    options = options.withHeader(
                            h.substring(0, colon).strip(),
                            h.substring(colon + 1).strip());
                }
            } catch (IllegalArgumentException | UnknownHostException e) {
                err.println("paqet grpc-bridge connect: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            ShutdownSignals signals = new ShutdownSignals();
            try (LocalH2cBridge bridge = LocalH2cBridge.start(local, bridgeUrl, options)) {
                out.println("paqet grpc-bridge: h2c " + show(bridge.address()) + " -> WebSocket " + bridgeUrl);
                out.flush();
                String signal = signals.await();
                err.println("paqet grpc-bridge: " + signal + ", shutting down");
                err.flush();
                return ExitCodes.OK;
            } catch (IOException e) {
                err.println("paqet grpc-bridge connect: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }
}
