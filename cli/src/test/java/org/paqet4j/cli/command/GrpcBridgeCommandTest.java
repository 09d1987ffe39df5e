package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
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
}
