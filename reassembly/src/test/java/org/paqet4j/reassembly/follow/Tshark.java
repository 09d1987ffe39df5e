package org.paqet4j.reassembly.follow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs tshark's Follow TCP Stream (raw) and parses its output. */
final class Tshark {

    /** One followed stream: tshark's node strings and the bytes each direction printed. */
    record Followed(long stream, String node0, String node1, byte[] dir0, byte[] dir1) {}

    private Tshark() {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/tshark"));
    }

    /** Streams 0..count-1, in batches of 200 -z arguments per tshark run. */
    static List<Followed> follow(Path capture, int count) throws IOException, InterruptedException {
        List<Followed> all = new ArrayList<>();
        for (int from = 0; from < count; from += 200) {
            List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-q"));
            for (int n = from; n < Math.min(count, from + 200); n++) {
                command.add("-z");
                command.add("follow,tcp,raw," + n);
            }
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException("tshark failed: " + command.subList(0, 5));
            }
            all.addAll(parse(new String(out, StandardCharsets.US_ASCII)));
        }
        return all;
    }

    static List<Followed> parse(String output) {
        List<Followed> result = new ArrayList<>();
        long stream = -1;
        String node0 = null;
        String node1 = null;
        ByteArrayOutputStream dir0 = new ByteArrayOutputStream();
        ByteArrayOutputStream dir1 = new ByteArrayOutputStream();
        boolean inBody = false;
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("=====")) {
                if (inBody) {
                    result.add(new Followed(stream, node0, node1, dir0.toByteArray(), dir1.toByteArray()));
                    inBody = false;
                }
                dir0.reset();
                dir1.reset();
            } else if (line.startsWith("Filter: tcp.stream eq ")) {
                stream = Long.parseLong(
                        line.substring("Filter: tcp.stream eq ".length()).trim());
            } else if (line.startsWith("Node 0: ")) {
                node0 = line.substring(8);
            } else if (line.startsWith("Node 1: ")) {
                node1 = line.substring(8);
                inBody = true;
            } else if (inBody && line.startsWith("\t")) {
                dir1.writeBytes(HexFormat.of().parseHex(line.substring(1)));
            } else if (inBody && !line.isEmpty()) {
                dir0.writeBytes(HexFormat.of().parseHex(line));
            }
        }
        return result;
    }
}
