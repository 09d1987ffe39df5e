package org.paqet4j.mux;

/** smux frame commands with their wire codes. */
public enum Command {
    /** Opens a stream; no payload. */
    SYN(0),
    /** The sender will write no more on this stream (EOF); no payload. */
    FIN(1),
    /** Stream data. */
    PSH(2),
    /** Keepalive on stream 0; no payload. */
    NOP(3),
    /** v2 only: consumed u32 LE + window u32 LE of the receiving side of a stream. */
    UPD(4);

    private static final Command[] BY_CODE = values();

    public final int code;

    Command(int code) {
        this.code = code;
    }

    /** The command for a wire code, or null when the code is unknown. */
    public static Command of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
