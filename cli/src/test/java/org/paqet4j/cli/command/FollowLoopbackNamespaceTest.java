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
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.filter.CaptureFilter;
import org.paqet4j.reassembly.follow.Follow;
import org.paqet4j.reassembly.follow.FollowFormat;
import org.paqet4j.reassembly.follow.FollowPrinter;
import org.paqet4j.reassembly.follow.LiveFollow;

/**
 * A live follow on {@code lo}, where the kernel shows every packet twice (as sent and as
 * received): only one copy is captured, so the frames taken equal the packets {@code lo}
 * received (its own counter) and the stream is followed once, exactly.
 */
@NetnsTest
class FollowLoopbackNamespaceTest {

    private static final int PORT = 27_311;
    private static final Pattern RX_PACKETS = Pattern.compile("\"rx\":\\{\"bytes\":\\d+,\"packets\":(\\d+)");

    private NetnsPair pair;

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void onLoopbackEachPacketIsCapturedOnce() throws Exception {
        pair = NetnsPair.create("flo");
        LiveFollow follow = pair.inA(() -> LiveFollow.open("lo"));
        try (follow) {
            assertThat(follow.skipsOutgoingCopies()).isTrue();
            long receivedBefore = loopbackReceived();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread capture = Thread.ofPlatform().name("follow-lo").start(() -> {
                try {
                    outcome.set(follow.run(
                            CaptureFilter.parse(""),
                            out,
                            FollowFormat.JSONL,
                            Follow.config(OverlapPolicy.BSD, 64L << 20).withLingerNanos(200_000_000L),
                            -1,
                            null,
                            FollowPrinter.DEFAULT_HOLD_LIMIT,
                            2));
                } catch (Exception e) {
                    outcome.set(e);
                }
            });
            try {
                byte[] request = "request over the loopback".getBytes(StandardCharsets.US_ASCII);
                byte[] response = "and its answer".getBytes(StandardCharsets.US_ASCII);
                exchange(request, response);
                // the stream prints once it has lingered after both FINs: then every packet is in
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!out.toString(StandardCharsets.US_ASCII).contains("\n") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                long received = loopbackReceived() - receivedBefore;
                follow.stop();
                capture.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(outcome.get()).isInstanceOf(LiveFollow.Result.class);
                LiveFollow.Result result = (LiveFollow.Result) outcome.get();

                String line = out.toString(StandardCharsets.US_ASCII);
                assertThat(line.lines()).hasSize(1);
                assertThat(line)
                        .contains("\"dir0\": [{\"data\": \"" + HexFormat.of().formatHex(request) + "\"}]")
                        .contains("\"dir1\": [{\"data\": \"" + HexFormat.of().formatHex(response) + "\"}]")
                        .contains("\"end\": \"fin\"");
                assertThat(received).as("packets lo received").isGreaterThanOrEqualTo(6);
                // with both copies the capture would take twice what lo received
                assertThat(result.frames()).as("frames captured").isEqualTo(received);
                assertThat(result.tcpSegments()).isEqualTo(received);
                assertThat(result.reassembly().packets()).isEqualTo(received);
            } finally {
                follow.stop();
                capture.join(TimeUnit.SECONDS.toMillis(60));
            }
        }
    }

    /** A server and a client in namespace A over 127.0.0.1: one request, one response, both closed. */
    private void exchange(byte[] request, byte[] response) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket listener = pair.inA(() -> new ServerSocket(PORT, 4, loopback))) {
            AtomicReference<Exception> serverFailure = new AtomicReference<>();
            Thread serving = Thread.ofPlatform().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().readAllBytes();
                    s.getOutputStream().write(response);
                } catch (Exception e) {
                    serverFailure.set(e);
                }
            });
            Socket client = pair.inA(() -> {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(loopback, PORT), 10_000);
                return s;
            });
            try (client) {
                OutputStream o = client.getOutputStream();
                o.write(request);
                client.shutdownOutput();
                InputStream in = client.getInputStream();
                assertThat(in.readAllBytes()).isEqualTo(response);
            }
            serving.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(serverFailure.get()).isNull();
        }
    }

    private long loopbackReceived() throws Exception {
        String json = NetnsPair.run("ip", "-n", pair.a().namespace(), "-j", "-s", "link", "show", "dev", "lo");
        Matcher m = RX_PACKETS.matcher(json);
        assertThat(m.find()).as("lo's receive counter in %s", json).isTrue();
        return Long.parseLong(m.group(1));
    }
}
