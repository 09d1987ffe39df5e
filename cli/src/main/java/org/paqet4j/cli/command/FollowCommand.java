package org.paqet4j.cli.command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.demo.ByteSize;
import org.paqet4j.reassembly.HostPolicy;
import org.paqet4j.reassembly.OverlapPolicy;
import org.paqet4j.reassembly.ReassemblyConfig;
import org.paqet4j.reassembly.ReassemblyStats;
import org.paqet4j.reassembly.follow.Follow;
import org.paqet4j.reassembly.follow.FollowFormat;
import org.paqet4j.reassembly.pcap.CaptureFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code paqet follow -r FILE}: every TCP stream of a capture file, reassembled as tshark's Follow TCP Stream does. */
@Command(
        name = "follow",
        mixinStandardHelpOptions = true,
        description = "Reassembles every TCP stream of a pcap or pcapng file and prints it as tshark's "
                + "Follow TCP Stream does (--format text), or one JSON object per stream (--format jsonl), "
                + "in the order the streams were first seen. A summary goes to stderr.",
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
            "",
            "Exit codes: 0 ok, 1 runtime failure, 2 usage error or unreadable capture (with the byte offset)."
        })
public final class FollowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-r", "--read"},
            paramLabel = "FILE",
            required = true,
            description = "pcap or pcapng file (Ethernet, raw IP, Linux cooked SLL/SLL2, null/loopback)")
    Path file;

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
    public Integer call() throws IOException {
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
        config = config.withHostPolicies(rules);
        if (!Files.isReadable(file)) {
            return usage(err, "cannot read " + file);
        }
        if (writeDir != null && !Files.isDirectory(writeDir)) {
            return usage(err, "--write-dir: " + writeDir + " is not a directory");
        }
        BufferedWriter out = new BufferedWriter(spec.commandLine().getOut(), 1 << 16);
        Follow.Result result;
        try {
            result = Follow.run(file, out, outputFormat, config, stream, writeDir, hold.bytes());
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

    private static int usage(PrintWriter err, String message) {
        err.println("paqet follow: " + message);
        return ExitCodes.USAGE;
    }
}
