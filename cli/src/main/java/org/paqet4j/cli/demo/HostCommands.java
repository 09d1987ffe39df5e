package org.paqet4j.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands ({@code ip}, {@code tc}) and fails with their output when they fail. */
final class HostCommands {
  private static final long TIMEOUT_SECONDS = 20;

  private HostCommands() {}

  /** Runs {@code command}; returns its standard output, or throws with its exit code and output. */
  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": no exit within " + TIMEOUT_SECONDS + " s");
      }
      String text = new String(output, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed with exit code " + p.exitValue()
            + (text.isEmpty() ? "" : ": " + text));
      }
      return text;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
  }

  static String run(List<String> command) throws IOException {
    return run(command.toArray(String[]::new));
  }

  /** Whether this process runs with effective user id 0 (from /proc/self/status, no native call). */
  static boolean isRoot() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).strip().split("\\s+");
          return ids.length > 1 && ids[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
