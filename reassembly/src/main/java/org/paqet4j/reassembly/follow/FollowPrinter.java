package org.paqet4j.reassembly.follow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.paqet4j.reassembly.Direction;
import org.paqet4j.reassembly.EndReason;
import org.paqet4j.reassembly.StreamEvent;
import org.paqet4j.reassembly.StreamFactory;
import org.paqet4j.reassembly.StreamHandler;
import org.paqet4j.reassembly.StreamInfo;

/**
 * Prints streams as tshark's Follow TCP Stream does, in the order streams were first seen: a
 * stream is held until it and every earlier stream have ended, then written. Gaps print as tshark
 * prints them in text ("[N bytes missing in capture file]" and a NUL byte).
 */
public final class FollowPrinter implements StreamFactory {

    private static final HexFormat HEX = HexFormat.of();
    private static final String RULE = "===================================================================";

    private final Writer out;
    private final FollowFormat format;
    private final long onlyStream;
    private final Path writeDir;
    private final TreeMap<Long, Stream> pending = new TreeMap<>();
    private long nextToPrint;

    /** {@code onlyStream} < 0 prints every stream. */
    public FollowPrinter(Writer out, FollowFormat format, long onlyStream) {
        this(out, format, onlyStream, null);
    }

    /**
     * As above, and when {@code writeDir} is not null, each printed stream's delivered bytes also go
     * to {@code stream-N-dir0.bin} (node 0 to node 1) and {@code stream-N-dir1.bin} there; gaps
     * are left out of the files (the printed output says where they are).
     */
    public FollowPrinter(Writer out, FollowFormat format, long onlyStream, Path writeDir) {
        this.out = out;
        this.format = format;
        this.onlyStream = onlyStream;
        this.writeDir = writeDir;
    }

    @Override
    public StreamHandler open(StreamInfo info) {
        Stream stream = new Stream(info);
        pending.put(info.index(), stream);
        return stream;
    }

    /** One direction's piece of a stream, in delivery order across both directions (for text). */
    private record Piece(Direction direction, byte[] bytes, long gap) {
    }

    private final class Stream implements StreamHandler {
        private final StreamInfo info;
        private final List<Piece> pieces = new ArrayList<>();
        private final EndReason[] ends = new EndReason[2];
        private final boolean kept;

        Stream(StreamInfo info) {
            this.info = info;
            this.kept = onlyStream < 0 || info.index() == onlyStream;
        }

        @Override
        public void onEvent(Direction direction, StreamEvent event) {
            switch (event) {
                case StreamEvent.Data d -> {
                    if (kept) {
                        pieces.add(new Piece(direction, d.bytes(), -1));
                    }
                }
                case StreamEvent.Gap g -> {
                    if (kept) {
                        pieces.add(new Piece(direction, null, g.length()));
                    }
                }
                case StreamEvent.Conflict c -> {
                    // the kept bytes are what was delivered; follow shows only those
                }
                case StreamEvent.End e -> {
                    ends[direction.ordinal()] = e.reason();
                    if (ends[0] != null && ends[1] != null) {
                        printReady();
                    }
                }
            }
        }

        boolean ended() {
            return ends[0] != null && ends[1] != null;
        }

        String end() {
            if (ends[0] == EndReason.RST || ends[1] == EndReason.RST) {
                return "rst";
            }
            if (ends[0] == EndReason.FIN || ends[1] == EndReason.FIN) {
                return "fin";
            }
            EndReason r = ends[0];
            return switch (r) {
                case TIMEOUT -> "timeout";
                case EVICTED -> "evicted";
                case REUSED -> "reused";
                default -> "eof";
            };
        }
    }

    private void printReady() {
        while (!pending.isEmpty() && pending.firstKey() == nextToPrint && pending.firstEntry().getValue().ended()) {
            Stream s = pending.pollFirstEntry().getValue();
            nextToPrint++;
            if (s.kept) {
                try {
                    out.write(format == FollowFormat.JSONL ? json(s) : text(s));
                    if (writeDir != null) {
                        writeFiles(s);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void writeFiles(Stream s) throws IOException {
        for (Direction d : Direction.values()) {
            Path file = writeDir.resolve("stream-" + s.info.index() + "-dir" + d.ordinal() + ".bin");
            try (OutputStream fileOut = Files.newOutputStream(file)) {
                for (Piece p : s.pieces) {
                    if (p.direction() == d && p.bytes() != null) {
                        fileOut.write(p.bytes());
                    }
                }
            }
        }
    }

    private static String json(Stream s) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"stream\": ").append(s.info.index())
                .append(", \"node0\": \"").append(s.info.node0())
                .append("\", \"node1\": \"").append(s.info.node1()).append('"');
        for (Direction d : Direction.values()) {
            b.append(", \"dir").append(d.ordinal()).append("\": [");
            boolean first = true;
            ByteArrayOutputStream run = new ByteArrayOutputStream();
            for (Piece p : s.pieces) {
                if (p.direction() != d) {
                    continue;
                }
                if (p.bytes() != null) {
                    run.writeBytes(p.bytes());
                    continue;
                }
                first = flushData(b, run, first);
                b.append(first ? "" : ", ").append("{\"gap\": ").append(p.gap()).append('}');
                first = false;
            }
            flushData(b, run, first);
            b.append(']');
        }
        return b.append(", \"end\": \"").append(s.end()).append("\"}\n").toString();
    }

    private static boolean flushData(StringBuilder b, ByteArrayOutputStream run, boolean first) {
        if (run.size() == 0) {
            return first;
        }
        b.append(first ? "" : ", ").append("{\"data\": \"").append(HEX.formatHex(run.toByteArray())).append("\"}");
        run.reset();
        return false;
    }

    private static String text(Stream s) {
        StringBuilder b = new StringBuilder(256);
        b.append('\n').append(RULE).append("\nFollow: tcp,ascii\nFilter: tcp.stream eq ").append(s.info.index())
                .append("\nNode 0: ").append(s.info.node0()).append("\nNode 1: ").append(s.info.node1()).append('\n');
        for (Piece p : s.pieces) {
            byte[] bytes = p.bytes() != null ? p.bytes() : ("[" + p.gap() + " bytes missing in capture file]\0").getBytes();
            if (p.direction() == Direction.FROM_NODE1) {
                b.append('\t');
            }
            b.append(bytes.length).append('\n');
            for (byte x : bytes) {
                int c = x & 0xFF;
                b.append(c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7F) ? (char) c : '.');
            }
            b.append('\n');
        }
        return b.append(RULE).append('\n').toString();
    }
}
