package org.paqet4j.cli.config;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** A 48-bit Ethernet address, written {@code aa:bb:cc:dd:ee:ff} (dashes are accepted too). */
public record MacAddress(long bits) {
  private static final Pattern FORM =
      Pattern.compile("[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}");

  public MacAddress {
    if ((bits >>> 48) != 0) {
      throw new IllegalArgumentException("a MAC address has 48 bits: " + Long.toHexString(bits));
    }
  }

  static Optional<MacAddress> parse(String text) {
    if (!FORM.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(new MacAddress(Long.parseLong(text.replaceAll("[:-]", ""), 16)));
  }

  public byte[] toBytes() {
    byte[] bytes = new byte[6];
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (bits >>> (40 - 8 * i));
    }
    return bytes;
  }

  @Override
  public String toString() {
    return HexFormat.ofDelimiter(":").formatHex(toBytes()).toLowerCase(Locale.ROOT);
  }
}
