package org.paqet4j.cli.config;

/**
 * One thing wrong (or worth a warning) in a configuration file.
 *
 * @param file the file name as the user gave it
 * @param line 1-based line, 0 when the problem concerns the whole file
 * @param path the YAML path, e.g. {@code transport.kcp.sndwnd} or {@code socks5[0].listen}; empty for the whole file
 */
public record ConfigProblem(String file, int line, String path, String message) {
    /** {@code client.yaml:7: network.ipv4.router_mac: "zz" is not a MAC address (aa:bb:cc:dd:ee:ff)} */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
