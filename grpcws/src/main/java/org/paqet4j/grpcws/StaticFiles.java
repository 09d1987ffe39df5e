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
    record File(String contentType, byte[] body) {}

    private record Route(String resource, String contentType) {}

    private static final String BASE = "paqet4j/grpcws/web/";
    private static final String JS = "text/javascript; charset=utf-8";
    private static final Map<String, Route> ROUTES = Map.of(
            "/grpcws.js", new Route("grpcws.js", JS),
            "/echo-proto.js", new Route("echo-proto.js", JS),
            "/demo.js", new Route("demo.js", JS),
            "/demo", new Route("demo.html", "text/html; charset=utf-8"));

    private final ClassLoader loader;

    StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /** The file for a request path, or empty when the path is not one of the fixed names or its resource is missing. */
    Optional<File> lookup(String path) {
        Route route = ROUTES.get(path);
        if (route == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(BASE + route.resource())) {
            return in == null ? Optional.empty() : Optional.of(new File(route.contentType(), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading classpath resource " + BASE + route.resource(), e);
        }
    }
}
