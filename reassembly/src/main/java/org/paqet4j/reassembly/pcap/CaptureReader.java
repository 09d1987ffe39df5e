package org.paqet4j.reassembly.pcap;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads frames from a classic pcap or a pcapng file, told apart by the first four bytes. */
public sealed interface CaptureReader extends Closeable permits ClassicPcapReader, PcapNgReader {

    /** The next frame, or null at the end of the file. */
    CapturedFrame next() throws IOException;

    static CaptureReader open(Path file) throws IOException {
        return open(new PlainBufferedInput(Files.newInputStream(file), 1 << 20));
    }

    /** Reads the file header from {@code in}, which the reader then owns. */
    static CaptureReader open(InputStream in) throws IOException {
        Input input = new Input(in);
        byte[] magic = new byte[4];
        try {
            input.readRequired(magic, 4, "the file header");
            int be = ((magic[0] & 0xFF) << 24)
                    | ((magic[1] & 0xFF) << 16)
                    | ((magic[2] & 0xFF) << 8)
                    | (magic[3] & 0xFF);
            if (be == PcapNgReader.SECTION_HEADER) {
                return new PcapNgReader(in, input);
            }
            return new ClassicPcapReader(in, input, magic);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
