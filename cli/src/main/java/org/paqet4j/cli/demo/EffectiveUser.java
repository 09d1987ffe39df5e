package org.paqet4j.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the demo may create network namespaces and send raw packets. */
final class EffectiveUser {

    private EffectiveUser() {}

    /** Whether this process runs with effective user id 0 (from /proc/self/status, no native call). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
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
