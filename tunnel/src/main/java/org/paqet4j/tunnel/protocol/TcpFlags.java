package org.paqet4j.tunnel.protocol;

/**
 * TCP flag masks as paqet encodes them in TCPF headers (FIN 1 ... NS 256) and the letter strings
 * its configuration uses ({@code "PA"}, {@code "S"}, {@code "SA"}).
 */
public final class TcpFlags {

    public static final int FIN = 1;
    public static final int SYN = 1 << 1;
    public static final int RST = 1 << 2;
    public static final int PSH = 1 << 3;
    public static final int ACK = 1 << 4;
    public static final int URG = 1 << 5;
    public static final int ECE = 1 << 6;
    public static final int CWR = 1 << 7;
    public static final int NS = 1 << 8;
    /** Every bit paqet defines; anything above is a protocol error. */
    public static final int ALL = (1 << 9) - 1;

    private static final String LETTERS = "FSRPAUECN";

    private TcpFlags() {
    }

    /** Parses a letter string such as {@code "PA"} into a mask. */
    public static short parse(String letters) {
        if (letters.isEmpty()) {
            throw new IllegalArgumentException("empty TCP flag string");
        }
        int mask = 0;
        for (int i = 0; i < letters.length(); i++) {
            int bit = LETTERS.indexOf(Character.toUpperCase(letters.charAt(i)));
            if (bit < 0) {
                throw new IllegalArgumentException("TCP flag string '" + letters + "' has unknown letter '"
                        + letters.charAt(i) + "' (known: " + LETTERS + ")");
            }
            mask |= 1 << bit;
        }
        return (short) mask;
    }

    /** Formats a mask as letters, in paqet's order. */
    public static String format(int mask) {
        StringBuilder sb = new StringBuilder();
        for (int bit = 0; bit < LETTERS.length(); bit++) {
            if ((mask & (1 << bit)) != 0) {
                sb.append(LETTERS.charAt(bit));
            }
        }
        return sb.toString();
    }
}
