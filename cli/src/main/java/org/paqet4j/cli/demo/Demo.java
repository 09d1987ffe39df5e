package org.paqet4j.cli.demo;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.command.SecretCommand;
import org.paqet4j.cli.config.Carrier;
import org.paqet4j.lab.DirectionCounters;
import org.paqet4j.lab.Impairment;
import org.paqet4j.lab.LabTopology;

/**
 * {@code paqet demo}: a whole tunnel on one machine. Two network namespaces joined by a veth pair
 * (or loopback without root; or, with an impairment, a three-namespace {@link LabTopology} whose
 * userspace bridge drops, delays, reorders and duplicates frames), a paqet server and client as child JVMs with a fresh key, a web
 * server on the server side, a download through the client's SOCKS5 listener with a progress bar,
 * then size, SHA-256 check, throughput and tunnel RTT. Everything it made is removed at the end,
 * on failure and on Ctrl-C ({@link Cleanup} run by a shutdown hook).
 */
public final class Demo {
    private static final String PAQET_MAIN = "org.paqet4j.cli.Paqet";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int BAR_WIDTH = 30;

    /** What the user asked for; {@code impairment} applies to each direction ({@link Impairment#NONE}: none). */
    public record Options(ByteSize size, Impairment impairment, boolean keep, Carrier carrier) {

        boolean impaired() {
            return !impairment.equals(Impairment.NONE);
        }
    }

    private final Options options;
    private final PrintWriter out;
    private final PrintWriter err;

    private Demo(Options options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Runs the demo; returns the exit code. */
    public static int run(Options options, PrintWriter out, PrintWriter err) {
        boolean root = EffectiveUser.isRoot();
        if (!root && options.carrier() == Carrier.RAW) {
            err.println("paqet demo: needs root: it creates network namespaces and the raw carrier sends hand-made TCP "
                    + "packets. Run it as `sudo paqet demo`, or run `paqet demo --carrier udp` for the same tunnel over UDP "
                    + "on loopback (no namespaces, no root).");
            return ExitCodes.FAILURE;
        }
        if (!root && options.impaired()) {
            err.println("paqet demo: --loss, --delay, --reorder and --duplicate need root (an impairment bridge in a "
                    + "network namespace between client and server)");
            return ExitCodes.USAGE;
        }
        return new Demo(options, out, err).run(root);
    }

    private int run(boolean namespaces) {
        Cleanup cleanup = new Cleanup(problem -> err.println("paqet demo: " + problem));
        Thread hook = new Thread(
                () -> {
                    if (!cleanup.isClosed()) {
                        err.println();
                        err.println("paqet demo: stopped, removing what the demo made");
                        err.flush();
                    }
                    cleanup.close();
                },
                "paqet-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo(cleanup, namespaces);
        } catch (IOException e) {
            out.println();
            err.println("paqet demo: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILURE;
        } finally {
            cleanup.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook has run or runs now, and cleanup is idempotent
            }
            out.println("removed: "
                    + (!namespaces
                            ? ""
                            : options.impaired()
                                    ? "namespaces, veth pairs, impairment bridge, "
                                    : "namespaces, veth pair, ")
                    + "processes, temporary files");
            out.flush();
        }
    }

    private int demo(Cleanup cleanup, boolean namespaces) throws IOException, InterruptedException {
        String id = HexFormat.of()
                .toHexDigits(ThreadLocalRandom.current().nextInt(1 << 24))
                .substring(2);
        Path[] made = new Path[1];
        cleanup.make("temporary directory", () -> {
            Path d = Files.createTempDirectory("paqet-demo-" + id + "-");
            made[0] = d;
            return () -> deleteTree(d);
        });
        Path dir = made[0];
        Topology topology = !namespaces
                ? Topology.loopback()
                : options.impaired()
                        ? Topology.impaired(id, cleanup, options.impairment(), Long.parseLong(id, 16))
                        : Topology.namespaces(id, cleanup);
        boolean raw = options.carrier() == Carrier.RAW;
        int tunnelPort = namespaces ? 9999 : freeUdpPort();
        int socksPort = namespaces ? 1080 : freeTcpPort();
        int httpPort = namespaces ? 8000 : 0;
        out.println(
                topology.isLoopback()
                        ? "paqet demo: UDP carrier on loopback (no root: no namespaces, no raw packets)"
                        : "paqet demo: " + (raw ? "raw TCP" : "UDP") + " carrier between namespaces "
                                + topology.serverNamespace().orElseThrow() + " (server " + topology.serverAddress()
                                + ") and "
                                + topology.clientNamespace().orElseThrow() + " (client " + topology.clientAddress()
                                + ")");
        topology.lab()
                .ifPresent(lab -> out.println("impairment: " + describe(options.impairment())
                        + ", each way, by a userspace bridge in " + lab.middleNamespace()));
        out.flush();

        Path file = dir.resolve("demo-" + id + ".bin");
        byte[] served = writeRandomFile(file, options.size().bytes());
        String key = SecretCommand.newSecret();
        Path serverConfig = Files.writeString(dir.resolve("server.yaml"), serverConfig(topology, tunnelPort, raw, key));
        Path clientConfig =
                Files.writeString(dir.resolve("client.yaml"), clientConfig(topology, tunnelPort, socksPort, raw, key));

        ChildProcess server = start(
                cleanup,
                "paqet server",
                topology.serverNamespace(),
                PAQET_MAIN,
                List.of("run", "-c", serverConfig.toString()),
                dir.resolve("server.log"));
        out.println("  " + server.awaitLine(l -> l.startsWith("server listening"), START_TIMEOUT, "startup line"));
        ChildProcess client = start(
                cleanup,
                "paqet client",
                topology.clientNamespace(),
                PAQET_MAIN,
                List.of("run", "-c", clientConfig.toString()),
                dir.resolve("client.log"));
        out.println("  " + client.awaitLine(l -> l.startsWith("client:"), START_TIMEOUT, "startup line"));
        out.println("  " + client.awaitLine(l -> l.startsWith("SOCKS5 listening"), START_TIMEOUT, "SOCKS5 line"));
        ChildProcess web = start(
                cleanup,
                "web server",
                topology.serverNamespace(),
                DemoFileServer.class.getName(),
                List.of(file.toString(), topology.serverAddress(), Integer.toString(httpPort)),
                dir.resolve("web.log"));
        httpPort = Integer.parseInt(web.awaitLine(l -> l.startsWith("serving "), START_TIMEOUT, "listening line")
                .substring("serving ".length())
                .strip());
        String url = "http://" + topology.serverAddress() + ":" + httpPort + "/" + file.getFileName();
        out.println("  web server (server side) serves " + options.size() + " of random bytes at " + url);
        if (options.keep()) {
            keep(topology, socksPort, url, dir);
            return ExitCodes.OK;
        }
        out.println("downloading it through SOCKS5 127.0.0.1:" + socksPort + " on the client side");
        out.flush();
        Download d = download(cleanup, topology, socksPort, httpPort, "/" + file.getFileName(), dir);
        Optional<String> rtt = ping(cleanup, topology, clientConfig, dir);

        String servedHex = HexFormat.of().formatHex(served);
        boolean ok = d.sha256().equals(servedHex) && d.bytes() == options.size().bytes();
        double seconds = d.nanos() / 1e9;
        out.println(String.format(Locale.ROOT, "size:       %d bytes (%s)", d.bytes(), ByteSize.format(d.bytes())));
        out.println(
                ok
                        ? "sha-256:    OK, downloaded = served = " + servedHex
                        : "sha-256:    MISMATCH: served " + servedHex + ", downloaded " + d.sha256());
        out.println(String.format(
                Locale.ROOT,
                "throughput: %.1f Mbit/s (%s/s) in %.2f s",
                d.bytes() * 8 / seconds / 1e6,
                ByteSize.format(d.bytes() / seconds),
                seconds));
        out.println("tunnel rtt: " + rtt.orElse("not measured (paqet ping got no answer)"));
        topology.lab().ifPresent(lab -> {
            out.println("bridge:     client->server " + counters(lab.bridge().aToB()));
            out.println("            server->client " + counters(lab.bridge().bToA()));
        });
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    /** The options the user gave, in the demo's own words ({@code loss 2%, delay 10 ms}). */
    private static String describe(Impairment i) {
        List<String> parts = new ArrayList<>();
        if (i.loss() > 0) {
            parts.add("loss " + percent(i.loss()));
        }
        if (!i.delay().isZero()) {
            parts.add("delay "
                    + BigDecimal.valueOf(i.delay().toNanos())
                            .movePointLeft(6)
                            .stripTrailingZeros()
                            .toPlainString() + " ms");
        }
        if (i.reorder() > 0) {
            parts.add("reorder " + percent(i.reorder()));
        }
        if (i.duplicate() > 0) {
            parts.add("duplicate " + percent(i.duplicate()));
        }
        return String.join(", ", parts);
    }

    private static String percent(double probability) {
        return BigDecimal.valueOf(probability * 100).stripTrailingZeros().toPlainString() + "%";
    }

    /** One direction's counters: what the impairment did (and what the bridge could not keep up with). */
    private static String counters(DirectionCounters c) {
        return String.format(
                Locale.ROOT,
                "%d frames: %d dropped, %d delayed, %d reordered, %d duplicated" + "%s",
                c.received(),
                c.dropped(),
                c.delayed(),
                c.reordered(),
                c.duplicated(),
                c.overflowed() + c.refused() + c.kernelDrops() == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " (and lost beyond the impairment: %d queue overflow, %d refused by the "
                                        + "far end, %d kernel drops)",
                                c.overflowed(),
                                c.refused(),
                                c.kernelDrops()));
    }

    private static ChildProcess start(
            Cleanup cleanup, String name, Optional<String> namespace, String mainClass, List<String> args, Path log)
            throws IOException {
        ChildProcess[] started = new ChildProcess[1];
        cleanup.make(name, () -> {
            started[0] = ChildProcess.startJava(name, namespace, mainClass, args, log);
            return started[0];
        });
        return started[0];
    }

    private record Download(long bytes, String sha256, long nanos) {}

    private Download download(Cleanup cleanup, Topology topology, int socksPort, int httpPort, String path, Path dir)
            throws IOException {
        ChildProcess downloader = start(
                cleanup,
                "downloader",
                topology.clientNamespace(),
                DemoDownloader.class.getName(),
                List.of(
                        "127.0.0.1",
                        Integer.toString(socksPort),
                        topology.serverAddress(),
                        Integer.toString(httpPort),
                        path),
                dir.resolve("downloader.log"));
        long total = -1;
        long started = System.nanoTime();
        int shownPercent = -1;
        while (true) {
            String line = downloader
                    .nextLine()
                    .orElseThrow(() -> new IOException("the download failed" + downloader.errorExcerpt()));
            String[] f = line.split(" ");
            switch (f[0]) {
                case "size" -> total = Long.parseLong(f[1]);
                case "progress" -> {
                    long got = Long.parseLong(f[1]);
                    int percent = total > 0 ? (int) (100 * got / total) : 0;
                    if (percent != shownPercent) {
                        shownPercent = percent;
                        bar(got, total, System.nanoTime() - started);
                    }
                }
                case "done" -> {
                    Download d = new Download(Long.parseLong(f[1]), f[2], Long.parseLong(f[3]));
                    bar(d.bytes(), total, d.nanos());
                    out.println();
                    return d;
                }
                default -> throw new IOException("the downloader printed \"" + line + "\"");
            }
        }
    }

    private void bar(long got, long total, long nanos) {
        double fraction = total > 0 ? Math.min(1.0, (double) got / total) : 0;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        double rate = nanos > 0 ? got / (nanos / 1e9) : 0;
        out.print(String.format(
                Locale.ROOT,
                "\r  [%s%s] %3d%%  %s of %s  %s/s   ",
                "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled),
                (int) (fraction * 100),
                ByteSize.format(got),
                ByteSize.format(total),
                ByteSize.format(rate)));
        out.flush();
    }

    /** {@code paqet ping} from the client side: a second client with the same configuration, five PINGs. */
    private Optional<String> ping(Cleanup cleanup, Topology topology, Path clientConfig, Path dir) throws IOException {
        ChildProcess ping = start(
                cleanup,
                "paqet ping",
                topology.clientNamespace(),
                PAQET_MAIN,
                List.of("ping", "-c", clientConfig.toString(), "-n", "5", "-i", "100ms"),
                dir.resolve("ping.log"));
        Optional<String> rtt = Optional.empty();
        Optional<String> line;
        while ((line = ping.nextLine()).isPresent()) {
            int at = line.get().indexOf("rtt min/avg/max = ");
            if (at >= 0) {
                rtt = Optional.of("min/avg/max " + line.get().substring(at + "rtt min/avg/max = ".length())
                        + " (paqet ping, 5 PINGs)");
            }
        }
        return rtt;
    }

    private void keep(Topology topology, int socksPort, String url, Path dir) throws InterruptedException {
        String inClient = topology.clientNamespace()
                .map(ns -> "sudo ip netns exec " + ns + " ")
                .orElse("");
        String inServer = topology.serverNamespace()
                .map(ns -> "sudo ip netns exec " + ns + " ")
                .orElse("");
        out.println();
        out.println("--keep: everything stays up until Ctrl-C. To reach it:");
        out.println("  " + inClient + "curl --socks5-hostname 127.0.0.1:" + socksPort + " -o /dev/null " + url);
        out.println("  " + inClient + "bin/paqet ping -c " + dir.resolve("client.yaml"));
        topology.serverNamespace()
                .ifPresent(ns -> out.println("  " + inServer + "nft list ruleset   "
                        + "# the firewall rules paqet installed (if nft is installed)"));
        out.println("  configurations and logs: " + dir);
        out.println("(a shell's background job has SIGINT ignored, which a JVM cannot undo: stop it with kill -TERM)");
        out.flush();
        new CountDownLatch(1).await();
    }

    private String serverConfig(Topology t, int port, boolean raw, String key) {
        return """
        role: server
        listen:
          addr: "%s:%d"
        network:
        %s
        transport:
          kcp:
            key: "%s"
        """.formatted(
                        t.serverAddress(),
                        port,
                        network(t.serverVeth(), t.serverAddress() + ":" + port, t.clientMac(), raw),
                        key);
    }

    private String clientConfig(Topology t, int port, int socksPort, boolean raw, String key) {
        return """
        role: client
        socks5:
          - listen: "127.0.0.1:%d"
        server:
          addr: "%s:%d"
        network:
        %s
        transport:
          kcp:
            key: "%s"
        """.formatted(
                        socksPort,
                        t.serverAddress(),
                        port,
                        network(t.clientVeth(), t.clientAddress() + ":0", t.serverMac(), raw),
                        key);
    }

    /** The {@code network} section's lines, indented by two spaces. */
    private static String network(String veth, String address, String peerMac, boolean raw) {
        if (!raw) {
            return "  carrier: udp\n  ipv4:\n    addr: \"" + address + "\"";
        }
        return "  carrier: raw\n  interface: " + veth + "\n  ipv4:\n    addr: \"" + address + "\"\n    router_mac: \""
                + peerMac + "\"";
    }

    /** Writes {@code size} pseudo-random bytes; returns their SHA-256. */
    private static byte[] writeRandomFile(Path file, long size) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no SHA-256 in this JDK", e);
        }
        SplittableRandom random = new SplittableRandom();
        byte[] buffer = new byte[1 << 16];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                for (int i = 0; i < n; i += 8) {
                    long r = random.nextLong();
                    for (int j = i; j < Math.min(n, i + 8); j++) {
                        buffer[j] = (byte) r;
                        r >>>= 8;
                    }
                }
                o.write(buffer, 0, n);
                sha.update(buffer, 0, n);
                left -= n;
            }
        }
        return sha.digest();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
