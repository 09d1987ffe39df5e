package org.paqet4j.cli.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.paqet4j.cli.run.NamespaceProcesses;
import org.paqet4j.packet.sys.Commands;
import org.paqet4j.packet.testing.NetnsPair;
import org.paqet4j.packet.testing.NetnsTest;

/**
 * What {@code ./build.sh --image} and {@code --deb} make, built once for the class from the
 * shaded jar {@code package} produced (failsafe runs this after it), by the same scripts:
 * the image runs with no JDK in reach, a raw-carrier tunnel runs from it as an unprivileged
 * user holding only CAP_NET_RAW and CAP_NET_ADMIN, and the .deb holds what it should, passes
 * {@code systemd-analyze verify}, installs and purges without a trace.
 */
class PackagingIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target/paqet.jar").toAbsolutePath();
    private static final String NOBODY = "65534";

    @TempDir
    static Path built;

    static Path image;
    static Path deb;
    static Path noJava;

    /** An empty directory for each test, readable by the unprivileged user. */
    @TempDir
    Path dir;

    private final NamespaceProcesses hosts = new NamespaceProcesses();
    private NetnsPair pair;

    @BeforeAll
    static void buildImageAndDeb() throws Exception {
        assertThat(JAR).as("the shaded jar from `package`").exists();
        noJava = makePathWithoutJava();
        // /tmp/junit... is 0700; the unprivileged user must reach the image inside
        Files.setPosixFilePermissions(built, PosixFilePermissions.fromString("rwxr-xr-x"));
        image = built.resolve("image");
        Commands.onHost()
                .withTimeout(Duration.ofMinutes(10))
                .check(REPO.resolve("scripts/package-image").toString(), JAR.toString(), image.toString());
        String debPath = Commands.onHost()
                .withTimeout(Duration.ofMinutes(10))
                .check(
                        REPO.resolve("scripts/package-deb").toString(),
                        JAR.toString(),
                        built.resolve("deb").toString(),
                        image.toString())
                .strip();
        deb = Path.of(debPath);
    }

    @AfterAll
    static void removePathWithoutJava() throws IOException {
        if (noJava != null) {
            try (Stream<Path> links = Files.list(noJava)) {
                for (Path link : links.toList()) {
                    Files.delete(link); // the link, never its target
                }
            }
            Files.delete(noJava);
        }
    }

    @AfterEach
    void stop() throws Exception {
        hosts.close();
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void imageRunsVersionAndTheDemoWithoutAnyJdkInReach() throws Exception {
        Map<String, String> env = Map.of("PATH", pathWithoutJava().toString(), "HOME", dir.toString());
        Run version = run(env, Duration.ofMinutes(1), image.resolve("bin/paqet").toString(), "version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out())
                .contains("Packaging:  image")
                .contains("Java:       25")
                .contains("Platform:   linux/");

        Run demo = run(
                env,
                Duration.ofMinutes(5),
                image.resolve("bin/paqet").toString(),
                "demo",
                "--carrier",
                "udp",
                "--size",
                "2M");
        assertThat(demo.code()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("sha-256:    OK, downloaded = served = ");
    }

    @Test
    void launcherInTheImageNeedsNoJavaHomeEvenWhenOneIsSetWrong() throws Exception {
        Map<String, String> env = Map.of("PATH", pathWithoutJava().toString(), "JAVA_HOME", "/nonexistent");
        Run version = run(env, Duration.ofMinutes(1), image.resolve("bin/paqet").toString(), "--version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).contains("Packaging:  image");
    }

    @NetnsTest
    @Test
    void rawCarrierTunnelRunsAsAnUnprivilegedUserWithOnlyNetRawAndNetAdmin() throws Exception {
        int tunnelPort = 27_282;
        int socksPort = 27_283;
        int httpPort = 27_284;
        readableByAll(dir);
        pair = NetnsPair.create("pk");
        pair.resolveNeighbours();
        String nsServer = pair.a().namespace();
        String nsClient = pair.b().namespace();
        String serverIp = pair.a().ipv4().getHostAddress();
        String clientIp = pair.b().ipv4().getHostAddress();
        String clientMac = HexFormat.ofDelimiter(":").formatHex(pair.b().mac());

        Path www = Files.createDirectory(dir.resolve("www"));
        byte[] file = new byte[2 << 20];
        new Random(19).nextBytes(file);
        Files.write(www.resolve("f.bin"), file);
        hosts.startIn(
                nsServer,
                dir.resolve("http.log"),
                "python3",
                "-m",
                "http.server",
                Integer.toString(httpPort),
                "--bind",
                "127.0.0.1",
                "--directory",
                www.toString());
        Path server =
                config("server.yaml", """
        role: server
        listen:
          addr: ":%d"
        network:
          interface: "%s"
          carrier: raw
          ipv4:
            addr: "%s:%d"
            router_mac: "%s"
        transport:
          protocol: kcp
          kcp:
            block: aes-128-gcm
            key: "packaging test"
        """.formatted(tunnelPort, pair.a().device(), serverIp, tunnelPort, clientMac));
        Path client = config("client.yaml", """
        role: client
        socks5:
          - listen: "127.0.0.1:%d"
        network:
          carrier: raw
          ipv4:
            addr: "%s:0"
        server:
          addr: "%s:%d"
        transport:
          protocol: kcp
          kcp:
            block: aes-128-gcm
            key: "packaging test"
        """.formatted(socksPort, clientIp, serverIp, tunnelPort));

        // the same server with one of the two capabilities missing: it names the other one
        Run noRaw = unprivileged(nsServer, "+net_admin", "run", "-c", server.toString());
        assertThat(noRaw.code()).as(noRaw.out() + noRaw.err()).isEqualTo(1);
        assertThat(noRaw.err()).contains("lacks CAP_NET_RAW");
        Run noAdmin = unprivileged(nsServer, "+net_raw", "run", "-c", server.toString());
        assertThat(noAdmin.code()).as(noAdmin.out() + noAdmin.err()).isEqualTo(1);
        assertThat(noAdmin.err()).contains("lacks CAP_NET_ADMIN");
        assertThat(rules(nsServer)).doesNotContain(Integer.toString(tunnelPort));

        Process serverProcess = hosts.startIn(
                nsServer, dir.resolve("server.err"), setpriv("+net_raw,+net_admin", "run", "-c", server.toString()));
        assertThat(NamespaceProcesses.firstLine(serverProcess, dir.resolve("server.err")))
                .startsWith("server listening on " + serverIp + ":" + tunnelPort + " (raw TCP");
        assertThat(uidOf(serverProcess)).isEqualTo(NOBODY);
        assertThat(rules(nsServer)).contains(Integer.toString(tunnelPort));
        Process clientProcess = hosts.startIn(
                nsClient, dir.resolve("client.err"), setpriv("+net_raw,+net_admin", "run", "-c", client.toString()));
        assertThat(NamespaceProcesses.firstLine(clientProcess, dir.resolve("client.err")))
                .startsWith("client: ");
        assertThat(uidOf(clientProcess)).isEqualTo(NOBODY);

        Path got = dir.resolve("got.bin");
        String curl = Commands.inNamespace(nsClient)
                .withTimeout(Duration.ofMinutes(3))
                .check(
                        "curl",
                        "-sS",
                        "--retry",
                        "5",
                        "--retry-connrefused",
                        "--retry-delay",
                        "1",
                        "--max-time",
                        "60",
                        "--socks5-hostname",
                        "127.0.0.1:" + socksPort,
                        "-o",
                        got.toString(),
                        "http://localhost:" + httpPort + "/f.bin");
        assertThat(sha256(Files.readAllBytes(got))).as(curl).isEqualTo(sha256(file));

        for (Process p : List.of(clientProcess, serverProcess)) {
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        assertThat(rules(nsServer)).doesNotContain(Integer.toString(tunnelPort));
        assertThat(rules(nsClient)).doesNotContain("paqet");
    }

    @Test
    void debHoldsTheRuntimeUnitCompletionsManPageAndConfigurations() throws Exception {
        assertThat(deb.getFileName().toString()).matches("paqet4j_[0-9][^_]*_[a-z0-9]+\\.deb");
        String contents = Commands.onHost().check("dpkg-deb", "--contents", deb.toString());
        assertThat(contents)
                .contains("./usr/lib/paqet4j/bin/java")
                .contains("./usr/lib/paqet4j/bin/paqet")
                .contains("./usr/lib/paqet4j/lib/paqet.jar")
                .contains("./usr/bin/paqet -> ../lib/paqet4j/bin/paqet")
                .contains("./usr/lib/systemd/system/paqet@.service")
                .contains("./usr/share/bash-completion/completions/paqet")
                .contains("./usr/share/zsh/vendor-completions/_paqet")
                .contains("./usr/share/man/man1/paqet.1.gz")
                .contains("./usr/share/doc/paqet4j/copyright")
                .containsPattern("-rw-r----- root/root .* \\./etc/paqet/client\\.yaml\\.example")
                .containsPattern("-rw-r----- root/root .* \\./etc/paqet/server\\.yaml\\.example");
        assertThat(Commands.onHost().check("dpkg-deb", "--field", deb.toString(), "Package", "Architecture"))
                .contains("Package: paqet4j");
        Path control = Files.createDirectory(dir.resolve("control"));
        Commands.onHost().check("dpkg-deb", "--control", deb.toString(), control.toString());
        assertThat(Files.readAllLines(control.resolve("conffiles")))
                .containsExactlyInAnyOrder("/etc/paqet/client.yaml.example", "/etc/paqet/server.yaml.example");
    }

    /** Needs root (dpkg -i), so it goes with the namespace tests when those are skipped. */
    @NetnsTest
    @Test
    void debInstallsWorksAsAServiceUnitAndPurgesWithoutATrace() throws Exception {
        assumeTrue(
                Commands.onHost().run("dpkg-query", "-W", "paqet4j").exitCode() != 0,
                "paqet4j is installed on this machine already; not touching it");
        assumeTrue(Files.notExists(Path.of("/etc/paqet")), "/etc/paqet exists already; not touching it");
        try {
            Commands.onHost().withTimeout(Duration.ofMinutes(3)).check("dpkg", "-i", deb.toString());

            Run version = run(
                    Map.of("PATH", pathWithoutJava().toString()), Duration.ofMinutes(1), "/usr/bin/paqet", "version");
            assertThat(version.out()).contains("Packaging:  deb");
            assertThat(Commands.onHost()
                            .check("stat", "-c", "%a %U:%G", "/etc/paqet", "/etc/paqet/server.yaml.example"))
                    .isEqualTo("2750 root:paqet\n640 root:paqet");
            // the examples are valid configurations, and a member of the group can read them
            for (String name : List.of("client", "server")) {
                Run check = run(
                        Map.of("PATH", pathWithoutJava().toString()),
                        Duration.ofMinutes(1),
                        "setpriv",
                        "--reuid",
                        NOBODY,
                        "--regid",
                        NOBODY,
                        "--groups",
                        "paqet",
                        "/usr/bin/paqet",
                        "run",
                        "--check",
                        "-c",
                        "/etc/paqet/" + name + ".yaml.example");
                assertThat(check.code()).as(check.err()).isZero();
            }

            // an instance of the template whose ExecStart names the installed binary
            Path unit = dir.resolve("paqet@test.service");
            Files.copy(Path.of("/usr/lib/systemd/system/paqet@.service"), unit);
            Run verify = run(
                    Map.of("PATH", System.getenv("PATH"), "SYSTEMD_LOG_LEVEL", "notice"),
                    Duration.ofMinutes(1),
                    "systemd-analyze",
                    "verify",
                    unit.toString());
            assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.err()).doesNotContain("paqet@");

            String man = Commands.onHost()
                    .check("sh", "-c", "zcat /usr/share/man/man1/paqet.1.gz | groff -man -Tutf8 -ww -z 2>&1");
            assertThat(man).isEmpty();
            assertThat(Files.readString(Path.of("/usr/share/bash-completion/completions/paqet")))
                    .contains("complete -F _complete_paqet")
                    .contains("grpc-bridge");

            Commands.onHost().withTimeout(Duration.ofMinutes(3)).check("dpkg", "-r", "paqet4j");
            assertThat(Path.of("/usr/lib/paqet4j")).doesNotExist();
            assertThat(Path.of("/usr/bin/paqet")).doesNotExist();
            assertThat(Path.of("/etc/paqet/server.yaml.example"))
                    .as("conffiles stay until purge")
                    .exists();
            Commands.onHost().withTimeout(Duration.ofMinutes(3)).check("dpkg", "--purge", "paqet4j");
        } finally {
            Commands.onHost().withTimeout(Duration.ofMinutes(3)).attempt("dpkg", "--purge", "paqet4j");
        }
        for (String path : List.of(
                "/usr/lib/paqet4j",
                "/usr/bin/paqet",
                "/etc/paqet",
                "/usr/lib/systemd/system/paqet@.service",
                "/usr/share/man/man1/paqet.1.gz",
                "/usr/share/bash-completion/completions/paqet",
                "/usr/share/zsh/vendor-completions/_paqet",
                "/usr/share/doc/paqet4j")) {
            assertThat(Path.of(path)).doesNotExist();
        }
        assertThat(Commands.onHost().run("getent", "group", "paqet").exitCode()).isNotZero();
        assertThat(Commands.onHost().run("dpkg-query", "-W", "paqet4j").exitCode())
                .isNotZero();
    }

    record Run(int code, String out, String err) {}

    private static Run run(Map<String, String> env, Duration limit, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile("paqet-packaging", ".out");
        Path err = Files.createTempFile("paqet-packaging", ".err");
        try {
            Process p =
                    pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(
                        String.join(" ", command) + " still ran after " + limit + "; stderr: " + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code paqet ARGS} from the image in namespace {@code ns} as uid/gid 65534 holding {@code caps}. */
    private String[] setpriv(String caps, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "setpriv",
                "--reuid",
                NOBODY,
                "--regid",
                NOBODY,
                "--clear-groups",
                "--inh-caps",
                caps,
                "--ambient-caps",
                caps,
                image.resolve("bin/paqet").toString()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private Run unprivileged(String ns, String caps, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(List.of(setpriv(caps, args)));
        return run(Map.of("PATH", System.getenv("PATH")), Duration.ofMinutes(2), command.toArray(String[]::new));
    }

    /** The real uid of a running process (for {@code ip netns exec setpriv ... java}: the JVM). */
    private static String uidOf(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith("Uid:")) {
                return line.substring(4).strip().split("\\s+")[0];
            }
        }
        throw new AssertionError("no Uid line for pid " + p.pid());
    }

    private Path config(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    private static void readableByAll(Path directory) throws IOException {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The namespace's nftables ruleset and iptables rules. */
    private static String rules(String ns) throws IOException {
        Commands inside = Commands.inNamespace(ns);
        return inside.run("nft", "list", "ruleset").stdout()
                + inside.run("iptables-save").stdout();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A directory of links to every program on the usual PATH except those of an installed JDK
     * (their real path under /usr/lib/jvm, e.g. /usr/bin/java through the alternatives). Made
     * once, outside the JUnit temporary directories (which warn about every link they delete).
     */
    private static Path makePathWithoutJava() throws IOException {
        Path tools = Files.createTempDirectory("paqet4j-no-java");
        Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String entry : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path d = Path.of(entry);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(d)) {
                for (Path program : programs.toList()) {
                    Path link = tools.resolve(program.getFileName().toString());
                    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) || !Files.isExecutable(program)) {
                        continue;
                    }
                    Path real;
                    try {
                        real = program.toRealPath();
                    } catch (IOException broken) {
                        continue;
                    }
                    if (!real.startsWith("/usr/lib/jvm") && !Files.isDirectory(real)) {
                        Files.createSymbolicLink(link, real);
                    }
                }
            }
        }
        assertThat(tools.resolve("java")).doesNotExist();
        return tools;
    }

    private static Path pathWithoutJava() {
        return noJava;
    }
}
