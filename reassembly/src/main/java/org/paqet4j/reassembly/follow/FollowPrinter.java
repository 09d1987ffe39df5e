package org.paqet4j.reassembly.follow;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import org.paqet4j.reassembly.Direction;
import org.paqet4j.reassembly.EndReason;
import org.paqet4j.reassembly.StreamEvent;
import org.paqet4j.reassembly.StreamFactory;
import org.paqet4j.reassembly.StreamHandler;
import org.paqet4j.reassembly.StreamInfo;

/**
 * Prints streams as tshark's Follow TCP Stream does, in the order streams were first seen. Each
 * event is rendered as it arrives; a stream's rendered output is held until it and every earlier
 * stream have ended. Held output beyond {@code holdLimit} bytes of heap moves to a temporary file
 * (oldest-written streams first), so a stream that lasts the whole capture delays the others'
 * output but does not make the printer hold them in memory. Gaps print as tshark prints them in
 * text ("[N bytes missing in capture file]" and a NUL byte).
 */
public final class FollowPrinter implements StreamFactory, AutoCloseable {

    /** The default heap for held output before it spills to disk. */
    public static final long DEFAULT_HOLD_LIMIT = 64L << 20;

    private static final String RULE = "===================================================================";

    private final OutputStream out;
    private final FollowFormat format;
    private final long onlyStream;
    private final Path writeDir;
    private final long holdLimit;
    private final SpillFile spill;
    private final byte[] scratch = new byte[1 << 16];
    /** Streams not printed yet, by index: the first is stream {@code nextToPrint}. */
    private final ArrayDeque<Stream> pending = new ArrayDeque<>();
    /** Held outputs with bytes in memory, in the order they first took memory: spilling starts with the first. */
    private final LinkedHashSet<HeldOutput> inMemory = new LinkedHashSet<>();

    private long heldBytes;
    private long spilledBytes;
    private long nextToPrint;

    /**
     * {@code onlyStream} &lt; 0 prints every stream. When {@code writeDir} is not null, each printed
     * stream's delivered bytes also go to {@code stream-N-dir0.bin} (node 0 to node 1) and
     * {@code stream-N-dir1.bin} there; gaps are left out of the files (the printed output says
     * where they are). Held output beyond {@code holdLimit} bytes spills to a temporary file in
     * {@code spillDir} (null: the JDK's temporary directory), deleted by {@link #close}.
     */
    public FollowPrinter(
            OutputStream out, FollowFormat format, long onlyStream, Path writeDir, long holdLimit, Path spillDir) {
        if (out == null || format == null) {
            throw new IllegalArgumentException("out and format are required");
        }
        if (holdLimit < 0) {
            throw new IllegalArgumentException("hold limit must not be negative, got " + holdLimit);
        }
        this.out = out;
        this.format = format;
        this.onlyStream = onlyStream;
        this.writeDir = writeDir;
        this.holdLimit = holdLimit;
        this.spill = new SpillFile(spillDir);
    }

    @Override
    public StreamHandler open(StreamInfo info) {
        // reassemblers number streams 0, 1, 2, ... in the order they open them
        if (info.index() != nextToPrint + pending.size()) {
            throw new IllegalArgumentException(
                    "stream " + info.index() + " opened, expected " + (nextToPrint + pending.size()));
        }
        Stream stream = new Stream(info);
        pending.addLast(stream);
        return stream;
    }

    /** Heap currently held for output that waits for earlier streams. */
    public long heldBytes() {
        return heldBytes;
    }

    /** Bytes moved to the temporary file so far. */
    public long spilledBytes() {
        return spilledBytes;
    }

    /** Deletes the temporary file. Streams not ended by then are not printed. */
    @Override
    public void close() throws IOException {
        spill.close();
    }

    private final class Stream implements StreamHandler {
        private final StreamInfo info;
        private final boolean kept;
        private final EndReason[] ends = new EndReason[2];
        /** text: both directions interleaved; JSONL: the items of one direction each. */
        private final HeldOutput[] rendered;
        /** Per direction: the raw bytes for {@code writeDir}, or null. */
        private final HeldOutput[] raw;

        private final boolean[] dataOpen = new boolean[2];
        private final boolean[] anyItem = new boolean[2];

        Stream(StreamInfo info) {
            this.info = info;
            this.kept = onlyStream < 0 || info.index() == onlyStream;
            if (!kept) {
                rendered = new HeldOutput[0];
                raw = null;
            } else {
                rendered = format == FollowFormat.JSONL
                        ? new HeldOutput[] {new HeldOutput(), new HeldOutput()}
                        : new HeldOutput[] {new HeldOutput()};
                raw = writeDir == null ? null : new HeldOutput[] {new HeldOutput(), new HeldOutput()};
            }
        }

        @Override
        public void onEvent(Direction direction, StreamEvent event) {
            switch (event) {
                case StreamEvent.Data d -> {
                    if (kept) {
                        data(direction.ordinal(), d.bytes());
                    }
                }
                case StreamEvent.Gap g -> {
                    if (kept) {
                        gap(direction.ordinal(), g.length());
                    }
                }
                case StreamEvent.Conflict c -> {
                    // the kept bytes are what was delivered; follow shows only those
                }
                case StreamEvent.End e -> {
                    ends[direction.ordinal()] = e.reason();
                    if (ended()) {
                        printReady();
                    }
                }
            }
        }

        private void data(int d, byte[] bytes) {
            if (bytes.length == 0) {
                return;
            }
            if (format == FollowFormat.JSONL) {
                HeldOutput o = rendered[d];
                long before = o.inMemory();
                if (!dataOpen[d]) {
                    o.append(anyItem[d] ? ", {\"data\": \"" : "{\"data\": \"");
                    dataOpen[d] = true;
                    anyItem[d] = true;
                }
                o.appendHex(bytes);
                grew(o, before);
            } else {
                textPiece(d, bytes.length);
                HeldOutput o = rendered[0];
                long before = o.inMemory();
                o.appendPrintable(bytes);
                o.append((byte) '\n');
                grew(o, before);
            }
            if (raw != null) {
                long before = raw[d].inMemory();
                raw[d].appendRaw(bytes);
                grew(raw[d], before);
            }
            limitHeld();
        }

        private void gap(int d, long length) {
            if (format == FollowFormat.JSONL) {
                HeldOutput o = rendered[d];
                long before = o.inMemory();
                if (dataOpen[d]) {
                    o.append("\"}");
                    dataOpen[d] = false;
                }
                o.append(anyItem[d] ? ", {\"gap\": " : "{\"gap\": ");
                o.append(length);
                o.append((byte) '}');
                anyItem[d] = true;
                grew(o, before);
            } else {
                String marker = "[" + length + " bytes missing in capture file]";
                textPiece(d, marker.length() + 1);
                HeldOutput o = rendered[0];
                long before = o.inMemory();
                o.append(marker);
                o.append(".\n"); // tshark writes a NUL after the marker; the ASCII view shows it as '.'
                grew(o, before);
            }
            limitHeld();
        }

        /** A text piece's header: a tab for node 1, then its length. */
        private void textPiece(int d, int length) {
            HeldOutput o = rendered[0];
            long before = o.inMemory();
            if (d == 1) {
                o.append((byte) '\t');
            }
            o.append(length);
            o.append((byte) '\n');
            grew(o, before);
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
            return switch (ends[0]) {
                case TIMEOUT -> "timeout";
                case EVICTED -> "evicted";
                case REUSED -> "reused";
                default -> "eof";
            };
        }

        void print() throws IOException {
            if (format == FollowFormat.JSONL) {
                ascii("{\"stream\": " + info.index() + ", \"node0\": \"" + info.node0() + "\", \"node1\": \""
                        + info.node1() + '"');
                for (int d = 0; d < 2; d++) {
                    ascii(", \"dir" + d + "\": [");
                    rendered[d].writeTo(out, spill, scratch);
                    ascii(dataOpen[d] ? "\"}]" : "]");
                }
                ascii(", \"end\": \"" + end() + "\"}\n");
            } else {
                ascii("\n" + RULE + "\nFollow: tcp,ascii\nFilter: tcp.stream eq " + info.index() + "\nNode 0: "
                        + info.node0() + "\nNode 1: " + info.node1() + '\n');
                rendered[0].writeTo(out, spill, scratch);
                ascii(RULE + '\n');
            }
            if (raw != null) {
                for (int d = 0; d < 2; d++) {
                    Path file = writeDir.resolve("stream-" + info.index() + "-dir" + d + ".bin");
                    try (OutputStream fileOut = Files.newOutputStream(file)) {
                        raw[d].writeTo(fileOut, spill, scratch);
                    }
                }
            }
        }

        void release() {
            for (HeldOutput o : rendered) {
                forget(o);
            }
            if (raw != null) {
                forget(raw[0]);
                forget(raw[1]);
            }
        }
    }

    private void ascii(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void grew(HeldOutput o, long before) {
        long after = o.inMemory();
        if (after != before) {
            heldBytes += after - before;
            if (!o.listed) {
                o.listed = true;
                inMemory.add(o);
            }
        }
    }

    private void forget(HeldOutput o) {
        heldBytes -= o.inMemory();
        if (o.listed) {
            o.listed = false;
            inMemory.remove(o);
        }
    }

    /** Spills the oldest in-memory outputs until at most half the limit is held. */
    private void limitHeld() {
        if (heldBytes <= holdLimit) {
            return;
        }
        try {
            Iterator<HeldOutput> oldest = inMemory.iterator();
            while (heldBytes > holdLimit / 2 && oldest.hasNext()) {
                HeldOutput o = oldest.next();
                long before = o.inMemory();
                spilledBytes += o.spill(spill);
                heldBytes -= before;
                o.listed = false;
                oldest.remove();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("spilling held follow output to a temporary file", e);
        }
    }

    private void printReady() {
        while (!pending.isEmpty() && pending.peekFirst().ended()) {
            Stream s = pending.pollFirst();
            nextToPrint++;
            if (s.kept) {
                try {
                    s.print();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            s.release();
        }
    }
}
