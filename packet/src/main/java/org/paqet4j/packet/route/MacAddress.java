package org.paqet4j.packet.route;

import java.util.HexFormat;

/** A 48-bit Ethernet address held in the low 48 bits of a long (first octet most significant). */
public record MacAddress(long bits) {

    public static final MacAddress ZERO = new MacAddress(0);

    private static final long MASK = 0xFFFF_FFFF_FFFFL;

    public MacAddress {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("MAC address needs 48 bits, got 0x" + Long.toHexString(bits));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (also {@code -} separated, any case). */
    public static MacAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("MAC address is missing");
        }
        String trimmed = text.strip();
        if (trimmed.length() != 17) {
            throw new IllegalArgumentException(
                    "MAC address '" + text + "' must be six hex octets like aa:bb:cc:dd:ee:ff (17 characters), got "
                            + trimmed.length() + " characters");
        }
        long bits = 0;
        for (int octet = 0; octet < 6; octet++) {
            int at = octet * 3;
            if (octet > 0) {
                char separator = trimmed.charAt(at - 1);
                if (separator != ':' && separator != '-') {
                    throw new IllegalArgumentException("MAC address '" + text + "': expected ':' at position "
                            + (at - 1) + ", got '" + separator + "'");
                }
            }
            int high = Character.digit(trimmed.charAt(at), 16);
            int low = Character.digit(trimmed.charAt(at + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("MAC address '" + text + "': octet " + (octet + 1) + " '"
                        + trimmed.substring(at, at + 2) + "' is not hexadecimal");
            }
            bits = (bits << 8) | (high << 4) | low;
        }
        return new MacAddress(bits);
    }

    /** The address in six bytes, as it appears on the wire. */
    public static MacAddress of(byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("MAC address needs 6 bytes, got " + octets.length);
        }
        long bits = 0;
        for (byte octet : octets) {
            bits = (bits << 8) | (octet & 0xFF);
        }
        return new MacAddress(bits);
    }

    public byte[] bytes() {
        byte[] octets = new byte[6];
        for (int i = 0; i < 6; i++) {
            octets[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return octets;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
