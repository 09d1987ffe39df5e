package org.paqet4j.packet.route;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts a test main class in a fresh JVM with this test's class path. */
public final class ChildJvm {

    private ChildJvm() {}

    public static List<String> command(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xshare:auto",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
