package org.paqet4j.grpcws.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.grpcws.demo.EchoService;

/**
 * grpcws.js against bytes from grpc-java itself: the module (under Node) makes four calls whose
 * h2 bytes this test relays over TCP to a grpc-java Netty server hosting the demo Echo service,
 * recording everything the server sends. Then the recording is replayed into fresh clients making
 * the same calls, whole, one byte per message and in uneven chunks; every way must give the same
 * results as the live run.
 */
class RecordedGrpcJavaFramesTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void liveAgainstGrpcJavaThenReplayedInAnyChunking(@TempDir Path dir) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new EchoService())
                .build()
                .start();
        ByteArrayOutputStream recording = new ByteArrayOutputStream();
        String live;
        try {
            live = record(server.getPort(), recording);
        } finally {
            server.shutdownNow();
            server.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(live)
                .isEqualTo("[\"unary recorded from grpc-java\","
                        + "\"stream 300000 15 " + patternSha256(300000, 9) + "\","
                        + "\"bidi m0,m1,m2,m3,m4,m5,m6,m7,m8,m9\","
                        + "\"UNIMPLEMENTED Method not found: paqet4j.demo.Echo/Missing\"]");

        Path file = dir.resolve("grpc-java-recording.hex");
        Files.writeString(file, HEX.formatHex(recording.toByteArray()));
        List<String> replayed = node(List.of("replay", file.toString()));
        assertThat(replayed)
                .containsExactly("result whole: " + live, "result one byte each: " + live, "result uneven: " + live);
    }

    /** Relays the module's bytes to grpc-java and back; returns the module's results. */
    private static String record(int port, ByteArrayOutputStream recording) throws Exception {
        Process node = nodeProcess(List.of("record"));
        try (Socket socket = new Socket("127.0.0.1", port);
                BufferedReader fromNode =
                        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                Writer toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            OutputStream toServer = socket.getOutputStream();
            InputStream fromServer = socket.getInputStream();
            Thread serverToNode = Thread.ofPlatform().name("grpc-java-to-node").start(() -> {
                byte[] buf = new byte[65536];
                try {
                    for (int n; (n = fromServer.read(buf)) > 0; ) {
                        synchronized (recording) {
                            recording.write(buf, 0, n);
                        }
                        toNode.write("recv " + HEX.formatHex(buf, 0, n) + "\n");
                        toNode.flush();
                    }
                } catch (IOException closed) {
                    // the socket or node's stdin closed: the recording is complete
                }
            });
            String result = null;
            for (String line; (line = fromNode.readLine()) != null; ) {
                if (line.startsWith("send ")) {
                    toServer.write(HEX.parseHex(line.substring(5)));
                    toServer.flush();
                } else if (line.startsWith("result ")) {
                    result = line.substring(7);
                }
            }
            socket.close();
            serverToNode.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as("node exit code").isZero();
            assertThat(result).as("the module reported its results").isNotNull();
            return result;
        } finally {
            node.destroyForcibly();
        }
    }

    private static List<String> node(List<String> args) throws IOException, InterruptedException {
        Process p = nodeProcess(args);
        try {
            p.getOutputStream().close();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as("node %s exit code; output %s", args, lines)
                    .isZero();
            return lines;
        } finally {
            p.destroyForcibly();
        }
    }

    private static Process nodeProcess(List<String> args) {
        List<String> command = new ArrayList<>(List.of("node", "src/test/web/grpc-java-replay.mjs"));
        command.addAll(args);
        try {
            return new ProcessBuilder(command)
                    .directory(BrowserDriver.MODULE.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + command, e);
        }
    }

    private static String patternSha256(int total, int seed) throws Exception {
        byte[] buf = new byte[total];
        for (int k = 0; k < total; k++) {
            buf[k] = (byte) (k * 31 + seed);
        }
        return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(buf));
    }
}
