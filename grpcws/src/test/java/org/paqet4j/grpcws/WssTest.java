package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.grpcws.demo.EchoMessage;
import org.paqet4j.grpcws.demo.EchoMethods;
import org.paqet4j.grpcws.demo.EchoService;

/** wss:// with the JDK's TLS: a certificate for 127.0.0.1 made by keytool for this test only. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WssTest {

    @TempDir
    Path dir;

    private KeyStore keyStore(char[] password) throws Exception {
        Path file = dir.resolve("bridge.p12");
        Path keytool =
                Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
        Process p = new ProcessBuilder(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "bridge",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "san=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        file.toString(),
                        "-storepass",
                        new String(password))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    @Test
    void wssWorksWithATrustedCertificateAndFailsWithoutOne() throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore ks = keyStore(password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SslContext server =
                SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        SslContext client = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(tmf)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
        try (GrpcWebSocketBridge bridge = GrpcWebSocketBridge.builder(new InetSocketAddress("127.0.0.1", 0))
                .direct(new EchoService())
                .tls(server)
                .start()) {
            int port = bridge.address().getPort();
            ManagedChannel trusted = GrpcWebSocket.channel(
                    URI.create("wss://127.0.0.1:" + port + "/grpc"),
                    ClientOptions.defaults().withTls(client));
            ManagedChannel untrusted = GrpcWebSocket.channel(URI.create("wss://127.0.0.1:" + port + "/grpc"));
            ManagedChannel wrongName = GrpcWebSocket.channel(
                    URI.create("wss://localhost:" + port + "/grpc"),
                    ClientOptions.defaults().withTls(client));
            try {
                EchoMessage reply = ClientCalls.blockingUnaryCall(
                        trusted, EchoMethods.UNARY, CallOptions.DEFAULT, EchoMessage.of("over tls".getBytes()));
                assertThat(reply.payload()).isEqualTo("over tls".getBytes());
                for (ManagedChannel refused : new ManagedChannel[] {untrusted, wrongName}) {
                    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                                    refused,
                                    EchoMethods.UNARY,
                                    CallOptions.DEFAULT.withDeadlineAfter(1, TimeUnit.MINUTES),
                                    EchoMessage.of(new byte[1])))
                            .matches(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE, "UNAVAILABLE");
                }
            } finally {
                for (ManagedChannel c : new ManagedChannel[] {trusted, untrusted, wrongName}) {
                    c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
