package org.paqet4j.reassembly.pcap;

import java.io.IOException;
import java.io.InputStream;

/** An input stream that knows its byte offset, for precise error messages. */
final class Input {

    private final InputStream in;
    private long offset;

    Input(InputStream in) {
        this.in = in;
    }

    long offset() {
        return offset;
    }

    /**
     * Fills {@code buffer[0, length)}. Returns false when the stream ends before the first byte
     * (a clean end between records); throws when it ends part-way, naming {@code what}.
     */
    boolean read(byte[] buffer, int length, String what) throws IOException {
        return read(buffer, length, what, -1);
    }

    /**
     * As {@link #read(byte[], int, String)}; a {@code number} &ge; 0 is appended to {@code what} in
     * the error message, which is built only on error (this runs once per packet).
     */
    boolean read(byte[] buffer, int length, String what, long number) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(buffer, done, length - done);
            if (n < 0) {
                if (done == 0) {
                    return false;
                }
                throw new CaptureFormatException(
                        offset + done,
                        "file ends inside " + describe(what, number) + " (" + done + " of " + length + " bytes)");
            }
            done += n;
        }
        offset += length;
        return true;
    }

    void readRequired(byte[] buffer, int length, String what) throws IOException {
        readRequired(buffer, length, what, -1);
    }

    void readRequired(byte[] buffer, int length, String what, long number) throws IOException {
        if (!read(buffer, length, what, number)) {
            throw new CaptureFormatException(offset, "file ends before " + describe(what, number));
        }
    }

    private static String describe(String what, long number) {
        return number < 0 ? what : what + number;
    }
}
