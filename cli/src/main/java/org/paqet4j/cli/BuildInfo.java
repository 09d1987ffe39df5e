package org.paqet4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What the build recorded about itself (version, git commit, build time); "unknown" for what it
 * could not learn, e.g. a build outside a git checkout.
 */
public record BuildInfo(String version, String commit, String time) {
    private static final String RESOURCE = "build-info.properties";

    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a jar whose resource cannot be read still runs; the version just says so
        }
        return new BuildInfo(
                p.getProperty("version", "unknown"),
                p.getProperty("commit", "unknown"),
                p.getProperty("time", "unknown"));
    }
}
