package org.paqet4j.packet.wire;

import java.util.List;

/**
 * The one TCP flag codec: masks as paqet writes them (FIN 1 … NS 256, in TCPF headers and on the
 * wire) and the letter notation of its configuration ({@code F S R P A U E C N}, e.g.
 * {@code "PA"}, {@code "SA"}), with paqet's rules: upper-case letters only, any order, and the
 * empty string a valid combination without flags.
 */
public final class TcpFlags {

    public static final short FIN = 1;
    public static final short SYN = 2;
    public static final short RST = 4;
    public static final short PSH = 8;
    public static final short ACK = 16;
    public static final short URG = 32;
    public static final short ECE = 64;
    public static final short CWR = 128;
    public static final short NS = 256;
    /** Every bit paqet defines; a mask with anything above is invalid. */
    public static final short ALL = 0x1FF;

    /** paqet's limit on the length of a flag list (local_flag, remote_flag, TCPF body). */
    public static final int MAX_LIST_LENGTH = 64;

    private static final String LETTERS = "FSRPAUECN";

    private TcpFlags() {}

    /**
     * Parses one flag combination such as {@code "PA"}. Letters are case-sensitive; the empty
     * string is a packet without flags, as in paqet.
     *
     * @throws IllegalArgumentException naming the offending letter and its position
     */
    public static short parse(String letters) {
        int mask = 0;
        for (int i = 0; i < letters.length(); i++) {
            char c = letters.charAt(i);
            int bit = LETTERS.indexOf(c);
            if (bit < 0) {
                throw new IllegalArgumentException("invalid TCP flag '" + c + "' at position " + i + " of \"" + letters
                        + "\"; valid letters are F S R P A U E C N");
            }
            mask |= 1 << bit;
        }
        return (short) mask;
    }

    /**
     * Parses a flag list such as {@code ["PA", "A"]}.
     *
     * @param what the configuration key, for error messages (e.g. {@code network.tcp.local_flag})
     */
    public static short[] parseList(List<String> combinations, String what) {
        if (combinations.isEmpty()) {
            throw new IllegalArgumentException(what + ": at least one TCP flag combination is required");
        }
        if (combinations.size() > MAX_LIST_LENGTH) {
            throw new IllegalArgumentException(
                    what + ": " + combinations.size() + " flag combinations exceed the maximum of " + MAX_LIST_LENGTH);
        }
        short[] masks = new short[combinations.size()];
        for (int i = 0; i < masks.length; i++) {
            try {
                masks[i] = parse(combinations.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return masks;
    }

    /** The letters of {@code mask} in canonical order (F S R P A U E C N); "" for none. */
    public static String toLetters(int mask) {
        StringBuilder sb = new StringBuilder(9);
        for (int bit = 0; bit < LETTERS.length(); bit++) {
            if ((mask & (1 << bit)) != 0) {
                sb.append(LETTERS.charAt(bit));
            }
        }
        return sb.toString();
    }

    /** Whether every bit of {@code mask} is a known flag. */
    public static boolean isValidMask(int mask) {
        return (mask & ~ALL) == 0;
    }
}
