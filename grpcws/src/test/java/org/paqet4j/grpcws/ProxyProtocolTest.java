package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;

/** Proxy mode with {@code proxyProtocol(true)}: the backend reads who the client is first. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProxyProtocolTest {

    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What a backend decodes from the header, per the PROXY protocol v2 specification. */
    private record Decoded(InetSocketAddress source, InetSocketAddress destination, Optional<String> origin) {}

    private static Decoded decode(DataInputStream in) throws Exception {
        byte[] signature = in.readNBytes(12);
        assertThat(signature).isEqualTo(ProxyProtocolHeader.SIGNATURE);
        assertThat(in.readUnsignedByte()).as("version 2, PROXY").isEqualTo(0x21);
        int family = in.readUnsignedByte();
        byte[] rest = in.readNBytes(in.readUnsignedShort());
        int addressBytes = switch (family) {
            case 0x11 -> 4;
            case 0x21 -> 16;
            default -> throw new AssertionError("family/protocol byte " + family);
        };
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(rest, 0, addressBytes));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(rest, addressBytes, 2 * addressBytes));
        int at = 2 * addressBytes;
        int srcPort = ((rest[at] & 0xff) << 8) | (rest[at + 1] & 0xff);
        int dstPort = ((rest[at + 2] & 0xff) << 8) | (rest[at + 3] & 0xff);
        at += 4;
        Optional<String> origin = Optional.empty();
        while (at < rest.length) {
            int type = rest[at] & 0xff;
            int len = ((rest[at + 1] & 0xff) << 8) | (rest[at + 2] & 0xff);
            if (type == ProxyProtocolHeader.ORIGIN_TLV) {
                origin = Optional.of(new String(rest, at + 3, len, StandardCharsets.US_ASCII));
            }
            at += 3 + len;
        }
        assertThat(at).as("TLVs end with the header").isEqualTo(rest.length);
        return new Decoded(new InetSocketAddress(src, srcPort), new InetSocketAddress(dst, dstPort), origin);
    }

    @Test
    void theBackendReadsTheClientAndOriginBeforeTheHttp2Preface() throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                        .proxy(new InetSocketAddress("127.0.0.1", backend.getLocalPort()))
                        .proxyProtocol(true)
                        .allowOrigin("https://app.example")
                        .start()) {
            ManagedChannel channel = GrpcWebSocket.channel(
                    URI.create("ws://127.0.0.1:" + bridge.address().getPort() + "/grpc"),
                    ClientOptions.defaults().withHeader("Origin", "https://app.example"));
            // The backend here is no gRPC server: the call only makes the client connect.
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    ClientCalls.blockingUnaryCall(
                            channel,
                            EchoMethods.UNARY,
                            CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                            EchoMessage.of(new byte[1]));
                } catch (RuntimeException expected) {
                    // Ends when the channel is shut down below.
                }
            });
            try (Socket s = backend.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                Decoded header = decode(in);
                assertThat(header.source().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
                assertThat(header.source().getPort()).isPositive();
                assertThat(header.destination()).isEqualTo(bridge.address());
                assertThat(header.origin()).contains("https://app.example");
                // Then the client's own bytes, unchanged.
                assertThat(in.readNBytes(H2_PREFACE.length)).isEqualTo(H2_PREFACE);
            } finally {
                channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
                caller.join();
            }
        }
    }

    @Test
    void ipv6AndMixedFamiliesAreWrittenAsIpv6WithoutOriginWhenNoneWasSent() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.0.7"), 40000);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443);
        ByteBuf buf = ProxyProtocolHeader.encode(ByteBufAllocator.DEFAULT, v4, v6, Optional.empty());
        try {
            Decoded d = decode(new DataInputStream(new java.io.ByteArrayInputStream(ByteBufUtil.getBytes(buf))));
            assertThat(d.source().getAddress().getHostAddress()).isEqualTo("198.18.0.7"); // ::ffff:198.18.0.7
            assertThat(d.source().getPort()).isEqualTo(40000);
            assertThat(d.destination()).isEqualTo(v6);
            assertThat(d.origin()).isEmpty();
            assertThat(buf.readableBytes()).isEqualTo(16 + 36);
        } finally {
            buf.release();
        }
    }
}
