package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.run.NamespaceProcesses;
import org.paqet4j.packet.AddressText;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * {@code paqet follow -i} on one end of a veth pair while TCP connections (IPv4 and IPv6, known
 * random bytes both ways) run across it: every followed stream's bytes hash-match what was sent,
 * the filter keeps one connection out, and SIGTERM ends the capture with exit code 0.
 */
@NetnsTest
class FollowLiveNamespaceTest {

    private static final int PORT = 27_301;
    private static final int FILTERED_PORT = 27_302;
    private static final Pattern LINE = Pattern.compile(
            "\\{\"stream\": (\\d+), \"node0\": \"([^\"]+)\", \"node1\": \"([^\"]+)\", \"dir0\": \\[(.*?)\\], \"dir1\": \\[(.*?)\\], \"end\": \"(\\w+)\"\\}");
    private static final Pattern DATA = Pattern.compile("\\{\"data\": \"([0-9a-f]+)\"\\}");

    private final NamespaceProcesses hosts = new NamespaceProcesses();
    private NetnsPair pair;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        hosts.close();
        if (pair != null) {
            pair.close();
        }
    }

    private record Sent(String client, byte[] request, byte[] response) {}

    @Test
    void liveStreamsAreReassembledExactlyAndSigtermEndsTheCapture() throws Exception {
        pair = NetnsPair.create("fl");
        pair.resolveNeighbours();
        Path out = dir.resolve("follow.out");
        Path err = dir.resolve("follow.err");
        Process follow = hosts.paqetIn(
                pair.a().namespace(),
                ProcessBuilder.Redirect.to(out.toFile()),
                err,
                "follow",
                "-i",
                pair.a().device(),
                "--format",
                "jsonl",
                "--threads",
                "2",
                "--linger",
                "200ms",
                "--filter",
                "tcp and not port " + FILTERED_PORT);
        awaitText(follow, err, "capturing TCP on " + pair.a().device());

        Random random = new Random(31);
        List<Sent> sent = new ArrayList<>();
        InetAddress[] servers = {pair.a().ipv4(), pair.a().ipv6(), pair.a().ipv4()};
        int[] sizes = {300_000, 70_000, 1};
        for (int i = 0; i < servers.length; i++) {
            byte[] request = new byte[sizes[i]];
            byte[] response = new byte[sizes[servers.length - 1 - i] + 17];
            random.nextBytes(request);
            random.nextBytes(response);
            sent.add(exchange(servers[i], PORT, request, response));
        }
        Sent hidden = exchange(pair.a().ipv4(), FILTERED_PORT, new byte[] {1, 2, 3}, new byte[] {4});

        // each stream prints once it has lingered: wait for all three lines, then stop
        List<String> lines = awaitLines(follow, out, err, sent.size());
        follow.destroy(); // SIGTERM
        assertThat(follow.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(follow.exitValue()).as(Files.readString(err)).isZero();
        lines = Files.readAllLines(out, StandardCharsets.US_ASCII);
        assertThat(lines).hasSize(sent.size());
        assertThat(Files.readString(err)).contains("3 streams");
        // the filter runs in the kernel too: the hidden connection's packets never reached us
        assertThat(Files.readString(err)).contains(" TCP segments followed, 0 filtered out,");

        Map<String, Matcher> byClient = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LINE.matcher(lines.get(i));
            assertThat(m.matches()).as("line %d is a JSONL stream", i).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(i);
            byClient.put(m.group(2), m);
        }
        assertThat(byClient).doesNotContainKey(hidden.client());
        for (Sent s : sent) {
            Matcher m = byClient.get(s.client());
            assertThat(m)
                    .as("a stream from %s among %s", s.client(), byClient.keySet())
                    .isNotNull();
            assertThat(m.group(4)).doesNotContain("gap");
            assertThat(m.group(5)).doesNotContain("gap");
            assertThat(sha256(data(m.group(4)))).as("%s request", s.client()).isEqualTo(sha256(s.request()));
            assertThat(sha256(data(m.group(5)))).as("%s response", s.client()).isEqualTo(sha256(s.response()));
            assertThat(m.group(6)).isEqualTo("fin");
        }
    }

    /** A server in namespace A reads the request to EOF and answers; the client in B sends and reads to EOF. */
    private Sent exchange(InetAddress server, int port, byte[] request, byte[] response) throws Exception {
        try (ServerSocket listener = pair.inA(() -> new ServerSocket(port, 4, server))) {
            Thread serving = Thread.ofPlatform().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().readAllBytes();
                    s.getOutputStream().write(response);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // java.net.Socket creates its file descriptor on connect: connect inside namespace B
            Socket client = pair.inB(() -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(server, port), 10_000);
                return s;
            });
            String local = AddressText.of(client.getLocalAddress(), client.getLocalPort());
            try (client) {
                OutputStream o = client.getOutputStream();
                o.write(request);
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                assertThat(in.readAllBytes()).isEqualTo(response);
            }
            serving.join(30_000);
            return new Sent(local, request, response);
        }
    }

    private static byte[] data(String items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Matcher m = DATA.matcher(items);
        while (m.find()) {
            bytes.writeBytes(HexFormat.of().parseHex(m.group(1)));
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void awaitText(Process p, Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.readString(file).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in " + file + ": " + Files.readString(file));
    }

    private static List<String> awaitLines(Process p, Path file, Path errLog, int lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> now = Files.readAllLines(file, StandardCharsets.US_ASCII);
            if (now.size() >= lines) {
                return now;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " has fewer than " + lines + " lines: " + Files.readString(file) + "; stderr: "
                + Files.readString(errLog));
    }
}
