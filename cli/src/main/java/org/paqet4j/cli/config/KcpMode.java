package org.paqet4j.cli.config;

/**
 * KCP tuning presets, as paqet applies them. {@code manual} takes nodelay, interval, resend,
 * nocongestion, wdelay and acknodelay from the configuration; every other mode ignores them.
 */
public enum KcpMode implements YamlEnum {
  NORMAL(new KcpTuning(0, 40, 2, 1, true, false)),
  FAST(new KcpTuning(0, 30, 2, 1, true, false)),
  FAST2(new KcpTuning(1, 20, 2, 1, false, true)),
  FAST3(new KcpTuning(1, 10, 2, 1, false, true)),
  /** The preset values are what paqet uses when a manual parameter is left out. */
  MANUAL(new KcpTuning(0, 10, 0, 0, false, false));

  private final KcpTuning preset;

  KcpMode(KcpTuning preset) {
    this.preset = preset;
  }

  public KcpTuning preset() {
    return preset;
  }
}
