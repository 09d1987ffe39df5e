package org.paqet4j.cli.command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ByteStreamWriter;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.demo.ByteSize;
import org.paqet4j.cli.run.ShutdownSignals;
import org.paqet4j.reassembly.HostPolicy;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.ReassemblyStats;
import org.paqet4j.reassembly.filter.CaptureFilter;
import org.paqet4j.reassembly.filter.FilterSyntaxException;
import org.paqet4j.reassembly.follow.Follow;
import org.paqet4j.reassembly.follow.FollowFormat;
import org.paqet4j.reassembly.follow.LiveFollow;
import org.paqet4j.reassembly.follow.WriterOutputStream;
import org.paqet4j.reassembly.pcap.CaptureFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paqet follow -r FILE} or {@code -i IFACE}: every TCP stream of a capture file or of live
 * traffic, reassembled as tshark's Follow TCP Stream does.
 */
@Command(
        name = "follow",
        mixinStandardHelpOptions = true,
        description = {
            "Reassembles every TCP stream of a pcap or pcapng file (-r), or of the live traffic on an interface"
                    + " (-i), and prints it as tshark's Follow TCP Stream does (--format text), or one JSON object"
                    + " per stream (--format jsonl), in the order the streams were first seen. A summary goes to"
                    + " stderr.",
            "A stream is printed once it and every earlier stream have ended: FIN from both sides or RST, then"
                    + " --linger without a packet on it (late retransmissions within it are still followed); at"
                    + " the end of the file, or on Ctrl-C / SIGTERM for -i, every stream still open ends (end"
                    + " \"eof\") and is printed, and the exit code is 0.",
            "Live capture (-i) uses an AF_PACKET socket (root or CAP_NET_RAW; no libpcap) and sees both directions;"
                    + " on lo, which shows each packet twice (sent and received), only the received copy"
                    + " (Linux 4.20 and later).",
            "Both -r and -i reassemble on --threads shards: one thread reads and decodes, each connection"
                    + " belongs to one shard by a symmetric hash of its addresses and ports, and one thread prints;"
                    + " streams are still numbered in first-seen order and the output is the same as with"
                    + " --threads 1 (which does everything on one thread), unless a shard runs out of its share of"
                    + " --memory and evicts."
        },
        footer = {
            "",
            "JSONL: {\"stream\": N, \"node0\": \"ip:port\", \"node1\": \"ip:port\", \"dir0\": [ITEM...],",
            "       \"dir1\": [ITEM...], \"end\": \"fin|rst|timeout|evicted|reused|eof\"}",
            "       ITEM is {\"data\": \"<hex>\"} or {\"gap\": N}; node0 sent the stream's first packet.",
            "",
            "Examples:",
            "  paqet follow -r capture.pcap                       all streams, tshark's text layout",
            "  paqet follow -r capture.pcapng --format jsonl      one JSON line per stream",
            "  paqet follow -r capture.pcap --stream 3            only stream 3 (tshark's tcp.stream eq 3)",
            "  paqet follow -r big.pcap --memory 16M              buffer at most 16 MiB of out-of-order data",
            "  paqet follow -r long.pcap --hold 8M                hold at most 8 MiB of waiting output in memory",
            "  paqet follow -r capture.pcap --write-dir out/      also one file per stream and direction",
            "  paqet follow -r c.pcap --host-policy 10.1.0.0/16=first   data to 10.1/16 resolved first-copy-wins",
            "  paqet follow -r c.pcap --host-policy 192.0.2.0/24=windows --host-policy 2001:db8::/32=linux",
            "  paqet follow -i eth0 --filter 'host 192.0.2.7 and port 443' --format jsonl",
            "  paqet follow -i eth0 --filter 'not port 22' --threads 4",
            "",
            "Filter (-i only): tcp, host ADDR, port N, src host/port, dst host/port, and, or, not, ( );",
            "  not binds tightest, then and, then or; && || ! also work. Addresses are IP literals.",
            "  It is compiled into the capture socket's kernel filter too, so packets it refuses",
            "  are dropped before they are copied to paqet.",
            "",
            "Exit codes: 0 ok (also when stopped by a signal), 1 runtime failure (e.g. the interface cannot be",
            "  captured), 2 usage error or unreadable capture (with the byte offset)."
        })
public final class FollowCommand implements Callable<Integer> {
    /** More shards than this buy nothing: one capture thread feeds them all. */
    static final int MAX_THREADS = 16;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-r", "--read"},
            paramLabel = "FILE",
            description = "pcap or pcapng file (Ethernet, raw IP, Linux cooked SLL/SLL2, null/loopback)")
    Path file;

    @Option(
            names = {"-i", "--interface"},
            paramLabel = "IFACE",
            description = "capture live on this interface until Ctrl-C / SIGTERM (instead of -r)")
    String iface;

    @Option(
            names = "--filter",
            paramLabel = "EXPR",
            defaultValue = "",
            description = "with -i: only packets matching EXPR (see below), e.g. 'host 192.0.2.7 and port 443'")
    String filter;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "reassembly shards (1-" + MAX_THREADS + "; 1: read, reassemble and print on one thread);"
                    + " default: the available cores, at most " + MAX_THREADS)
    Integer threads;

    @Option(
            names = "--linger",
            paramLabel = "DURATION",
            defaultValue = "2s",
            converter = DurationConverter.class,
            description = "how long a closed stream waits for late packets (packet time for -r, wall time for -i)"
                    + " before it ends and prints; 0s keeps closed streams to the end, as tshark; default"
                    + " ${DEFAULT-VALUE}")
    Duration linger;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (tshark's follow,tcp,ascii) or jsonl; default ${DEFAULT-VALUE}")
    String format;

    @Option(
            names = "--policy",
            paramLabel = "POLICY",
            defaultValue = "bsd",
            description = "overlap policy: bsd (tshark's follow), first, last, linux, windows, solaris;"
                    + " default ${DEFAULT-VALUE}")
    String policy;

    @Option(
            names = "--host-policy",
            paramLabel = "CIDR=POLICY",
            description = "overlap policy for data sent to hosts in CIDR (repeatable, first match wins),"
                    + " e.g. 192.0.2.0/24=first")
    List<String> hostPolicies = new ArrayList<>();

    @Option(
            names = "--memory",
            paramLabel = "SIZE",
            defaultValue = "64M",
            converter = ByteSize.Converter.class,
            description = "memory budget for buffered data and connections (at least 256K); default ${DEFAULT-VALUE}")
    ByteSize memory;

    @Option(
            names = "--hold",
            paramLabel = "SIZE",
            defaultValue = "64M",
            converter = ByteSize.Converter.class,
            description = "heap for output waiting for earlier streams to end (streams print in first-seen"
                    + " order); beyond it the output waits in a temporary file; default ${DEFAULT-VALUE}")
    ByteSize hold;

    @Option(
            names = "--stream",
            paramLabel = "N",
            defaultValue = "-1",
            description = "print only stream N (0 is the first stream seen)")
    long stream;

    @Option(
            names = "--write-dir",
            paramLabel = "DIR",
            description = "also write each printed stream's bytes to DIR/stream-N-dir0.bin and -dir1.bin"
                    + " (dir0: node 0 to node 1; gaps left out); DIR must exist")
    Path writeDir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        FollowFormat outputFormat;
        OverlapPolicy overlap;
        ReassemblyConfig config;
        try {
            outputFormat = FollowFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return usage(err, "--format must be text or jsonl, got '" + format + "'");
        }
        try {
            overlap = OverlapPolicy.valueOf(policy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return usage(err, "--policy must be bsd, first, last, linux, windows or solaris, got '" + policy + "'");
        }
        try {
            config = Follow.config(overlap, memory.bytes());
        } catch (IllegalArgumentException e) {
            return usage(err, "--memory: " + e.getMessage());
        }
        List<HostPolicy> rules = new ArrayList<>();
        for (String rule : hostPolicies) {
            int eq = rule.lastIndexOf('=');
            try {
                if (eq < 0) {
                    throw new IllegalArgumentException("expected CIDR=POLICY");
                }
                String name = rule.substring(eq + 1).toUpperCase(Locale.ROOT);
                OverlapPolicy p;
                try {
                    p = OverlapPolicy.valueOf(name);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("policy must be bsd, first, last, linux, windows or solaris");
                }
                rules.add(HostPolicy.parse(rule.substring(0, eq), p));
            } catch (IllegalArgumentException e) {
                return usage(err, "--host-policy '" + rule + "': " + e.getMessage());
            }
        }
        config = config.withHostPolicies(rules).withLingerNanos(linger.toNanos());
        if ((file == null) == (iface == null)) {
            return usage(err, "give either -r FILE or -i IFACE");
        }
        if (iface != null) {
            return live(err, outputFormat, config);
        }
        if (!filter.isBlank()) {
            return usage(err, "--filter works with -i only");
        }
        int shards = threads != null ? threads : defaultThreads();
        if (shards < 1 || shards > MAX_THREADS) {
            return usage(err, "--threads must be between 1 and " + MAX_THREADS + ", got " + shards);
        }
        if (!Files.isReadable(file)) {
            return usage(err, "cannot read " + file);
        }
        if (writeDir != null && !Files.isDirectory(writeDir)) {
            return usage(err, "--write-dir: " + writeDir + " is not a directory");
        }
        OutputStream out = output();
        Follow.Result result;
        try {
            result = Follow.run(file, out, outputFormat, config, stream, writeDir, hold.bytes(), shards);
        } catch (CaptureFormatException e) {
            out.flush();
            return usage(err, file + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            return usage(err, "cannot read " + file);
        }
        ReassemblyStats s = result.reassembly();
        err.printf(
                Locale.ROOT,
                "%d frames: %d TCP segments, %d not TCP, %d IP fragments (%d datagrams rebuilt, %d dropped), %d malformed;"
                        + " %d streams, %d gaps (%d bytes), %d streams evicted%n",
                result.frames(),
                result.tcpSegments(),
                result.notTcp() + result.unsupportedLink(),
                result.fragments(),
                result.datagramsRebuilt(),
                result.datagramsDropped(),
                result.malformed(),
                s.connectionsCreated(),
                s.gaps(),
                s.gapBytes(),
                s.connectionsEvicted());
        return ExitCodes.OK;
    }

    /**
     * Where the streams go: the bytes under standard output when the command line has them (no
     * character encoding of output that is ASCII already), else its writer, as ISO-8859-1.
     */
    private OutputStream output() {
        PrintWriter out = spec.commandLine().getOut();
        OutputStream bytes = out instanceof ByteStreamWriter w ? w.bytes() : new WriterOutputStream(out);
        return new BufferedOutputStream(bytes, 1 << 16);
    }

    private static int defaultThreads() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_THREADS);
    }

    private int live(PrintWriter err, FollowFormat outputFormat, ReassemblyConfig config)
            throws IOException, InterruptedException {
        CaptureFilter captureFilter;
        try {
            captureFilter = CaptureFilter.parse(filter);
        } catch (FilterSyntaxException e) {
            return usage(err, "--filter '" + filter + "': " + e.getMessage());
        }
        int shards = threads != null ? threads : defaultThreads();
        if (shards < 1 || shards > MAX_THREADS) {
            return usage(err, "--threads must be between 1 and " + MAX_THREADS + ", got " + shards);
        }
        if (writeDir != null && !Files.isDirectory(writeDir)) {
            return usage(err, "--write-dir: " + writeDir + " is not a directory");
        }
        LiveFollow capture;
        try {
            capture = LiveFollow.open(iface, captureFilter);
        } catch (IOException e) {
            err.println("paqet follow: cannot capture on " + iface + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        try (capture) {
            ShutdownSignals signals = new ShutdownSignals();
            Thread.ofVirtual().name("follow-signals").start(() -> {
                try {
                    signals.await();
                    capture.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            err.println("paqet follow: capturing TCP on " + iface
                    + (filter.isBlank() ? "" : " matching '" + filter + "'") + ", " + shards
                    + (shards == 1 ? " thread" : " threads") + "; Ctrl-C ends every stream and exits");
            err.flush();
            OutputStream out = output();
            LiveFollow.Result r;
            try {
                r = capture.run(captureFilter, out, outputFormat, config, stream, writeDir, hold.bytes(), shards);
            } catch (IOException e) {
                // every stream seen so far has been printed by now
                err.println("paqet follow: capture on " + iface + " failed: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            ReassemblyStats s = r.reassembly();
            err.printf(
                    Locale.ROOT,
                    "%d packets: %d TCP segments followed, %d filtered out, %d not TCP, %d malformed, %d truncated,"
                            + " %d dropped by the kernel; %d streams, %d gaps (%d bytes), %d streams evicted%n",
                    r.frames(),
                    r.tcpSegments(),
                    r.filteredOut(),
                    r.notTcp(),
                    r.malformed(),
                    r.truncated(),
                    r.kernelDrops(),
                    s.connectionsCreated(),
                    s.gaps(),
                    s.gapBytes(),
                    s.connectionsEvicted());
            return ExitCodes.OK;
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("paqet follow: " + message);
        return ExitCodes.USAGE;
    }
}
