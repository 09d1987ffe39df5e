package org.paqet4j.cli.packaging;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Locale;
import java.util.Optional;

/**
 * How this copy of paqet was installed, for {@code paqet version}: the build that makes a jlink
 * image or a .deb writes one word into {@value #MARKER} beside paqet.jar; a plain jar (from
 * {@code ./build.sh} or a test class path) has no such file.
 */
public enum Packaging {
    /** paqet.jar run by a JDK found on the machine. */
    JAR,
    /** the self-contained jlink image ({@code ./build.sh --image}). */
    IMAGE,
    /** the Debian package ({@code ./build.sh --deb}). */
    DEB;

    /** The file beside paqet.jar that names the packaging. */
    public static final String MARKER = "paqet-packaging";

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The packaging of the running paqet, from the marker beside the jar this class was loaded from. */
    public static Packaging current() {
        return jarDirectory().map(Packaging::of).orElse(JAR);
    }

    /** The packaging a marker in {@code directory} names; {@link #JAR} without a readable, known marker. */
    static Packaging of(Path directory) {
        try {
            String word = Files.readString(directory.resolve(MARKER), StandardCharsets.UTF_8)
                    .strip()
                    .toUpperCase(Locale.ROOT);
            for (Packaging p : values()) {
                if (p.name().equals(word)) {
                    return p;
                }
            }
            return JAR;
        } catch (IOException e) {
            return JAR;
        }
    }

    private static Optional<Path> jarDirectory() {
        CodeSource source = Packaging.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Optional.empty();
        }
        try {
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.ofNullable(location.getParent()) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
