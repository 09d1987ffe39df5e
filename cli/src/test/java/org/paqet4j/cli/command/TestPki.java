package org.paqet4j.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway private CA and a certificate it signed for 127.0.0.1, made with the JDK's keytool,
 * as the PEM files the CLI takes: the CA certificate, the bridge's certificate and its PKCS#8 key.
 * {@link #issue} signs more certificates with the same CA (client certificates for mutual TLS).
 */
record TestPki(Path ca, Path certificate, Path key) {

    /** A certificate and its PKCS#8 key, as PEM files. */
    record Issued(Path certificate, Path key) {}

    private static final String PASSWORD = "changeit";

    static TestPki create(Path dir) throws Exception {
        Path caStore = dir.resolve("ca.p12");
        Path ca = dir.resolve("ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=paqet4j test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                caStore.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                caStore.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                ca.toString());
        Issued bridge = issue(caStore, dir, "bridge", "CN=127.0.0.1", "san=ip:127.0.0.1");
        return new TestPki(ca, bridge.certificate(), bridge.key());
    }

    /** A client certificate (for TLS client authentication) signed by this CA. */
    Issued issueClient(String name) throws Exception {
        return issue(ca.resolveSibling("ca.p12"), ca.getParent(), name, "CN=" + name, "eku=clientAuth");
    }

    private static Issued issue(Path caStore, Path dir, String name, String dname, String ext) throws Exception {
        Path store = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path certificate = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + "-key.pem");
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD);
        keytool(
                "-certreq",
                "-alias",
                name,
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                csr.toString());
        keytool(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                caStore.toString(),
                "-storepass",
                PASSWORD,
                "-infile",
                csr.toString(),
                "-outfile",
                certificate.toString(),
                "-ext",
                ext,
                "-validity",
                "2");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Key privateKey = keys.getKey(name, PASSWORD.toCharArray());
        assertThat(privateKey.getFormat()).isEqualTo("PKCS#8");
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(privateKey.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(key, pem);
        return new Issued(certificate, key);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(ProcessHandle.current().info().command().orElseThrow())
                .resolveSibling("keytool")
                .toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue())
                .as("keytool " + String.join(" ", args) + ": " + out)
                .isZero();
    }
}
