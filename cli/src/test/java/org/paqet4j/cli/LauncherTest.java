package org.paqet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bin/paqet launcher (src/main/dist/paqet) with fake JDKs: small {@code bin/java} scripts
 * that report a version and echo their arguments. PATH holds only the tools the script needs,
 * so the host's own Java never takes part.
 */
class LauncherTest {
    static final Path LAUNCHER = Path.of("src/main/dist/paqet").toAbsolutePath();
    static final Path JDK_FINDER = Path.of("../scripts/jdk25").toAbsolutePath();

    @TempDir
    Path dir;

    Path dist;
    Path tools;
    Path jvms;

    record Run(int code, String out, String err) {
        List<String> args() {
            return out.lines().skip(1).toList();
        }
    }

    @BeforeEach
    void layout() throws IOException {
        dist = Files.createDirectories(dir.resolve("dist/bin/lib"));
        Files.copy(LAUNCHER, dir.resolve("dist/bin/paqet"));
        Files.writeString(dist.resolve("paqet.jar"), "not really a jar");
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("sh", "sed", "head", "dirname", "readlink", "ls", "sort", "cat")) {
            Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream()
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow();
            Files.createSymbolicLink(tools.resolve(tool), real);
        }
        jvms = Files.createDirectories(dir.resolve("jvm"));
    }

    /** A fake JDK home whose java reports {@code feature} and prints "JDK=home" plus one argument per line. */
    Path jdk(String name, int feature) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name).resolve("bin")).getParent();
        Path java = home.resolve("bin/java");
        Files.writeString(java, """
        #!/bin/sh
        if [ "$1" = "-XshowSettings:properties" ]; then
          echo "    java.specification.version = %d" >&2
          echo 'openjdk version "%d"' >&2
          exit 0
        fi
        echo "JDK=%s"
        for a in "$@"; do echo "$a"; done
        """.formatted(feature, feature, home));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    Run launch(Map<String, String> env, String... args) throws Exception {
        return launch(dir.resolve("dist/bin/paqet"), env, args);
    }

    Run launch(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(tools.resolve("sh").toString(), launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", tools.toString());
        pb.environment().put("PAQET_JVM_DIR", jvms.toString());
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @Test
    void javaHomeComesFirst() throws Exception {
        Path home = jdk("a-25", 25);
        jdk("z-26", 26);
        Run r = launch(Map.of("JAVA_HOME", home.toString()), "version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("JDK=" + home + "\n");
    }

    @Test
    void javaOnPathWhenJavaHomeIsTooOld() throws Exception {
        Path old = jdk("old-21", 21);
        Path onPath = jdk("path-26", 26);
        Path bin = Files.createDirectories(dir.resolve("pathbin"));
        Files.createSymbolicLink(bin.resolve("java"), onPath.resolve("bin/java"));
        Run r = launch(Map.of("JAVA_HOME", old.toString(), "PATH", tools + ":" + bin), "version");
        assertThat(r.out()).startsWith("JDK=" + onPath + "\n");
    }

    @Test
    void thenTheInstalledJdks() throws Exception {
        jdk("java-17-openjdk-amd64", 17);
        Path jdk25 = jdk("temurin-25-jdk-amd64", 25);
        Run r = launch(Map.of(), "version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("JDK=" + jdk25 + "\n");
    }

    @Test
    void noJdk25IsOneLineAndExitCodeOne() throws Exception {
        Path old = jdk("java-17-openjdk-amd64", 17);
        Run r = launch(Map.of("JAVA_HOME", old.toString()), "version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines())
                .singleElement()
                .asString()
                .startsWith("paqet: no JDK 25 found (checked $JAVA_HOME, java on PATH, " + jvms + "/*)");
    }

    @Test
    void passesFlagsJarAndArgumentsUnchanged() throws Exception {
        jdk("temurin-25", 25);
        Run r = launch(Map.of(), "run", "--check", "-c", "my file.yaml", "");
        assertThat(r.args())
                .containsSubsequence(
                        "-XX:+UseG1GC",
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        dist.resolve("paqet.jar").toString(),
                        "run",
                        "--check",
                        "-c",
                        "my file.yaml",
                        "");
        assertThat(r.args().getLast()).isEmpty();
    }

    @Test
    void paqetJavaOptsReplacesTheDefaults() throws Exception {
        jdk("temurin-25", 25);
        Run r = launch(Map.of("PAQET_JAVA_OPTS", "-Xmx64m -XX:+UseG1GC"), "version");
        assertThat(r.args())
                .startsWith("-Xmx64m", "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED", "-jar")
                .doesNotContain("-XX:+ExitOnOutOfMemoryError");
    }

    /** {@code follow -r} is a batch job: a throughput collector with a young generation sized from the RAM. */
    @Test
    void followOfAFileGetsTheBatchFlags() throws Exception {
        jdk("temurin-25", 25);
        for (List<String> args : List.of(
                List.of("follow", "-r", "a.pcap"),
                List.of("follow", "--format", "jsonl", "--read=a.pcap"),
                List.of("follow", "-ra.pcap"),
                List.of("follow", "--read", "a.pcap", "--threads", "1"))) {
            Run r = launch(Map.of(), args.toArray(String[]::new));
            assertThat(r.code()).as("%s", args).isZero();
            assertThat(r.args())
                    .as("%s", args)
                    .contains("-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError")
                    .doesNotContain("-XX:+UseG1GC", "-Xms8m")
                    .anySatisfy(a -> assertThat(a).matches("-Xmn[0-9]+m"))
                    .endsWith(args.toArray(String[]::new));
        }
    }

    /** Live capture (-i) runs as long as a tunnel does, and other commands are not batch jobs. */
    @Test
    void everythingElseKeepsTheLongRunningFlags() throws Exception {
        jdk("temurin-25", 25);
        for (List<String> args :
                List.of(List.of("follow", "-i", "eth0"), List.of("run", "-c", "follow -r"), List.of("version", "-r"))) {
            Run r = launch(Map.of(), args.toArray(String[]::new));
            assertThat(r.args()).as("%s", args).contains("-XX:+UseG1GC").doesNotContain("-XX:+UseParallelGC");
        }
    }

    @Test
    void paqetJavaOptsAlsoReplacesTheBatchFlags() throws Exception {
        jdk("temurin-25", 25);
        Run r = launch(Map.of("PAQET_JAVA_OPTS", "-Xmx64m"), "follow", "-r", "a.pcap");
        assertThat(r.args()).startsWith("-Xmx64m", "--enable-native-access=ALL-UNNAMED", "-jar");
    }

    @Test
    void worksThroughASymlinkFromAnotherDirectory() throws Exception {
        jdk("temurin-25", 25);
        Path link = Files.createSymbolicLink(
                Files.createDirectories(dir.resolve("elsewhere")).resolve("paqet"), dir.resolve("dist/bin/paqet"));
        Run r = launch(link, Map.of(), "version");
        assertThat(r.args()).contains(dist.resolve("paqet.jar").toString());
    }

    @Test
    void missingJarIsOneLine() throws Exception {
        jdk("temurin-25", 25);
        Files.delete(dist.resolve("paqet.jar"));
        Run r = launch(Map.of(), "version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString().contains("paqet.jar is missing");
    }

    /** An image (IMAGE/bin/java, IMAGE/release, IMAGE/lib/paqet.jar) runs on its own runtime, whatever else is set. */
    @Test
    void imageLayoutPrefersTheRuntimeBesideTheLauncher() throws Exception {
        Path image = jdk("image", 25);
        Files.writeString(image.resolve("release"), "JAVA_VERSION=\"25\"\n");
        Files.createDirectories(image.resolve("lib"));
        Files.writeString(image.resolve("lib/paqet.jar"), "not really a jar");
        Files.copy(LAUNCHER, image.resolve("bin/paqet"));
        Path other = jdk("temurin-26", 26);
        Run r = launch(image.resolve("bin/paqet"), Map.of("JAVA_HOME", other.toString()), "version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("JDK=" + image + "\n");
        assertThat(r.args())
                .containsSubsequence(
                        "-XX:+UseG1GC",
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        image.resolve("lib/paqet.jar").toString(),
                        "version");
    }

    /** Without a release file the directory above bin/ is not taken for a runtime. */
    @Test
    void aJavaAboveTheLauncherWithoutReleaseFileIsNotAnImage() throws Exception {
        Path notImage = jdk("not-image", 25);
        Files.createDirectories(notImage.resolve("lib"));
        Files.writeString(notImage.resolve("lib/paqet.jar"), "not really a jar");
        Files.createDirectories(notImage.resolve("bin/lib"));
        Files.writeString(notImage.resolve("bin/lib/paqet.jar"), "not really a jar");
        Files.copy(LAUNCHER, notImage.resolve("bin/paqet"));
        Path jdk25 = jdk("temurin-25", 25);
        Run r = launch(notImage.resolve("bin/paqet"), Map.of("JAVA_HOME", jdk25.toString()), "version");
        assertThat(r.out()).startsWith("JDK=" + jdk25 + "\n");
        assertThat(r.args()).contains(notImage.resolve("bin/lib/paqet.jar").toString());
    }

    /** The launcher embeds scripts/jdk25's checks so bin/ works on its own; they must not drift apart. */
    @Test
    void embedsTheSameJdkChecksAsScriptsJdk25() throws IOException {
        String launcher = Files.readString(LAUNCHER);
        String finder = Files.readString(JDK_FINDER);
        for (String function : List.of("feature_of()", "is_25_plus()")) {
            assertThat(body(launcher, function)).isEqualTo(body(finder, function));
        }
    }

    private static String body(String script, String function) {
        int start = script.indexOf(function);
        assertThat(start).as(function).isNotNegative();
        return script.substring(start, script.indexOf("\n}\n", start));
    }
}
