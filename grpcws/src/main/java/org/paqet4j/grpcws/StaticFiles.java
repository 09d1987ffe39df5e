package org.paqet4j.grpcws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The browser client's files, served next to the WebSocket path from the classpath. Only these
 * fixed names map to a resource, so no request path can reach any other file.
 */
final class StaticFiles {

    /** A file ready to send. */
    record File(String contentType, byte[] body) {
    }

    private static final String BASE = "paqet4j/grpcws/web/";
    private static final Map<String, String[]> ROUTES = Map.of(
            "/grpcws.js", new String[] {"grpcws.js", "text/javascript; charset=utf-8"},
            "/echo-proto.js", new String[] {"echo-proto.js", "text/javascript; charset=utf-8"},
            "/demo.js", new String[] {"demo.js", "text/javascript; charset=utf-8"},
            "/demo", new String[] {"demo.html", "text/html; charset=utf-8"});

    private final ClassLoader loader;

    StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** The file for a request path, or empty when the path is not one of the fixed names or its resource is missing. */
    Optional<File> lookup(String path) {
        String[] route = ROUTES.get(path);
        if (route == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(BASE + route[0])) {
            return in == null ? Optional.empty() : Optional.of(new File(route[1], in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading classpath resource " + BASE + route[0], e);
        }
    }
}
