package org.paqet4j.cli.config;

/**
 * One TCP flag combination as paqet writes it: letters from {@code FSRPAUECN} (FIN, SYN, RST,
 * PSH, ACK, URG, ECE, CWR, NS), e.g. {@code "PA"}. The letters are kept as written so the
 * effective configuration shows what the user wrote.
 */
public record TcpFlags(String letters) {
  static final String LETTERS = "FSRPAUECN";

  public TcpFlags {
    if (letters.isEmpty()) {
      throw new IllegalArgumentException("a flag combination needs at least one letter");
    }
    letters.chars().forEach(TcpFlags::bit);
  }

  /** The mask paqet's TCPF message carries: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128, NS 256. */
  public int mask() {
    int mask = 0;
    for (int i = 0; i < letters.length(); i++) {
      mask |= bit(letters.charAt(i));
    }
    return mask;
  }

  /** The first character that is not a flag letter, or -1. */
  static int firstInvalid(String letters) {
    return letters.chars().filter(c -> LETTERS.indexOf(c) < 0).findFirst().orElse(-1);
  }

  private static int bit(int letter) {
    int index = LETTERS.indexOf(letter);
    if (index < 0) {
      throw new IllegalArgumentException("not a TCP flag letter: '" + (char) letter + "'");
    }
    return 1 << index;
  }

  @Override
  public String toString() {
    return letters;
  }
}
