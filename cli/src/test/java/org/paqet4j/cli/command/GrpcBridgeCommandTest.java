package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.handler.ssl.SslContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.Paqet;
import org.paqet4j.grpcws.ClientOptions;
import org.paqet4j.grpcws.GrpcWebSocket;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GrpcBridgeCommandTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int run(String... args) {
        StringWriter sink = new StringWriter();
        return Paqet.commandLine(new PrintWriter(sink, true), new PrintWriter(sink, true))
                .execute(args);
    }

    @Test
    void badOptionsExitWithTwo() {
        assertThat(run("grpc-bridge")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:0"))
                .as("neither --backend nor --demo")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:0", "--demo", "--backend", "127.0.0.1:1"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "nonsense", "--demo"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:70000", "--demo"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:0", "--demo", "--ping", "2m", "--idle", "1m"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--backend",
                        "192.0.2.1:50051",
                        "--backend-loopback-only"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "connect", "--listen", "127.0.0.1:0", "--url", "http://x/grpc"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "connect", "--listen", "127.0.0.1:0", "--url", "ws://x/grpc", "-H", "novalue"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "connect", "--url", "ws://x/grpc"))
                .as("--listen is required")
                .isEqualTo(ExitCodes.USAGE);
    }

    private Process paqet(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                "org.paqet4j.cli.Paqet"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        processes.add(p);
        return p;
    }

    private static int announcedPort(Process p, String pattern) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).isNotNull();
        Matcher m = Pattern.compile(pattern).matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void serveDemoAndConnectCarryACallAndStopCleanlyOnSigterm() throws Exception {
        Process serve = paqet("serve", "grpc-bridge", "serve", "--listen", "127.0.0.1:0", "--demo");
        int bridgePort = announcedPort(serve, "WebSocket ws://127\\.0\\.0\\.1:(\\d+)/grpc -> built-in demo");
        Process connect = paqet(
                "connect",
                "grpc-bridge",
                "connect",
                "--listen",
                "127.0.0.1:0",
                "--url",
                "ws://127.0.0.1:" + bridgePort + "/grpc");
        int h2cPort = announcedPort(connect, "h2c 127\\.0\\.0\\.1:(\\d+) -> WebSocket ws://");

        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", h2cPort)
                .usePlaintext()
                .build();
        try {
            EchoMessage reply = ClientCalls.blockingUnaryCall(
                    channel,
                    EchoMethods.UNARY,
                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                    EchoMessage.of("through both".getBytes()));
            assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).isEqualTo("through both");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }

        for (Process p : List.of(connect, serve)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(Files.readString(dir.resolve("serve.err"))).contains("SIGTERM, shutting down");
        assertThat(Files.readString(dir.resolve("connect.err"))).contains("SIGTERM, shutting down");
    }

    @Test
    void badTlsOptionsAreUsageErrors() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:0", "--demo", "--tls-cert", notPem.toString()))
                .as("--tls-cert without --tls-key")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--demo",
                        "--tls-cert",
                        notPem.toString(),
                        "--tls-key",
                        missing.toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "connect",
                        "--listen",
                        "127.0.0.1:0",
                        "--url",
                        "ws://x/grpc",
                        "--ca",
                        notPem.toString()))
                .as("--ca with a ws:// URL")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "connect",
                        "--listen",
                        "127.0.0.1:0",
                        "--url",
                        "wss://x/grpc",
                        "--ca",
                        notPem.toString()))
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void serveWssFromPemFilesAndConnectTrustingOnlyAPrivateCa() throws Exception {
        TestPki pki = TestPki.create(dir);
        Process serve = paqet(
                "serve-tls",
                "grpc-bridge",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "--tls-cert",
                pki.certificate().toString(),
                "--tls-key",
                pki.key().toString());
        int bridgePort = announcedPort(serve, "WebSocket wss://127\\.0\\.0\\.1:(\\d+)/grpc -> built-in demo");
        String url = "wss://127.0.0.1:" + bridgePort + "/grpc";
        Process trusting = paqet(
                "connect-ca",
                "grpc-bridge",
                "connect",
                "--listen",
                "127.0.0.1:0",
                "--url",
                url,
                "--ca",
                pki.ca().toString());
        int trustingPort = announcedPort(trusting, "h2c 127\\.0\\.0\\.1:(\\d+) -> WebSocket wss://");
        // Without --ca only the system's CAs count, and none of them signed the test CA.
        Process untrusting = paqet("connect-system", "grpc-bridge", "connect", "--listen", "127.0.0.1:0", "--url", url);
        int untrustingPort = announcedPort(untrusting, "h2c 127\\.0\\.0\\.1:(\\d+) -> WebSocket wss://");

        assertThat(unaryThrough(trustingPort)).isEqualTo("over wss");
        assertThatThrownBy(() -> unaryThrough(untrustingPort))
                .isInstanceOf(StatusRuntimeException.class)
                .matches(e -> ((StatusRuntimeException) e).getStatus().getCode() == Status.Code.UNAVAILABLE);
        assertThat(Files.readString(dir.resolve("connect-system.err"))).contains("PKIX");

        for (Process p : List.of(untrusting, trusting, serve)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void mutualTlsAdmitsOnlyClientsWithACertificateFromTheClientCa() throws Exception {
        TestPki pki = TestPki.create(dir);
        TestPki.Issued client = pki.issueClient("client");
        Path elsewhere = Files.createDirectory(dir.resolve("other-ca"));
        TestPki.Issued stranger = TestPki.create(elsewhere).issueClient("stranger");
        Process serve = paqet(
                "serve-mtls",
                "grpc-bridge",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--demo",
                "--tls-cert",
                pki.certificate().toString(),
                "--tls-key",
                pki.key().toString(),
                "--tls-client-ca",
                pki.ca().toString());
        int bridgePort = announcedPort(serve, "WebSocket wss://127\\.0\\.0\\.1:(\\d+)/grpc -> built-in demo");
        String url = "wss://127.0.0.1:" + bridgePort + "/grpc";
        Process connect = paqet(
                "connect-mtls",
                "grpc-bridge",
                "connect",
                "--listen",
                "127.0.0.1:0",
                "--url",
                url,
                "--ca",
                pki.ca().toString(),
                "--tls-cert",
                client.certificate().toString(),
                "--tls-key",
                client.key().toString());
        int h2cPort = announcedPort(connect, "h2c 127\\.0\\.0\\.1:(\\d+) -> WebSocket wss://");
        assertThat(unaryThrough(h2cPort)).isEqualTo("over wss");

        // The same options in-process: no certificate, and one the client CA did not sign.
        for (SslContext refused : List.of(
                GrpcBridgeCommand.clientTls(pki.ca(), null, null),
                GrpcBridgeCommand.clientTls(pki.ca(), stranger.certificate(), stranger.key()))) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create(url), ClientOptions.defaults().withTls(refused));
            try {
                assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                                channel,
                                EchoMethods.UNARY,
                                CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                                EchoMessage.of(new byte[1])))
                        .matches(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE, "UNAVAILABLE");
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        // The admitted client still works after the refusals.
        assertThat(unaryThrough(h2cPort)).isEqualTo("over wss");

        for (Process p : List.of(connect, serve)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
    }

    @Test
    void badMutualTlsOptionsAreUsageErrors() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        TestPki pki = TestPki.create(dir);
        assertThat(run(
                        "grpc-bridge",
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--demo",
                        "--tls-client-ca",
                        pki.ca().toString()))
                .as("--tls-client-ca without --tls-cert")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("grpc-bridge", "serve", "--listen", "127.0.0.1:0", "--demo", "--proxy-protocol"))
                .as("--proxy-protocol without a backend")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--demo",
                        "--tls-cert",
                        pki.certificate().toString(),
                        "--tls-key",
                        pki.key().toString(),
                        "--tls-client-ca",
                        notPem.toString()))
                .as("--tls-client-ca not PEM")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "connect",
                        "--listen",
                        "127.0.0.1:0",
                        "--url",
                        "wss://x/grpc",
                        "--tls-cert",
                        pki.certificate().toString()))
                .as("--tls-cert without --tls-key")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "connect",
                        "--listen",
                        "127.0.0.1:0",
                        "--url",
                        "ws://x/grpc",
                        "--tls-cert",
                        pki.certificate().toString(),
                        "--tls-key",
                        pki.key().toString()))
                .as("a client certificate with a ws:// URL")
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(
                        "grpc-bridge",
                        "connect",
                        "--listen",
                        "127.0.0.1:0",
                        "--url",
                        "wss://x/grpc",
                        "--tls-cert",
                        notPem.toString(),
                        "--tls-key",
                        pki.key().toString()))
                .as("an unreadable client certificate")
                .isEqualTo(ExitCodes.USAGE);
    }

    private static String unaryThrough(int h2cPort) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", h2cPort)
                .usePlaintext()
                .build();
        try {
            EchoMessage reply = ClientCalls.blockingUnaryCall(
                    channel,
                    EchoMethods.UNARY,
                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                    EchoMessage.of("over wss".getBytes(StandardCharsets.UTF_8)));
            return new String(reply.payload(), StandardCharsets.UTF_8);
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
