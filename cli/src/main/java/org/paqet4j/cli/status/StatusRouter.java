package org.paqet4j.cli.status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what a request to the status endpoint gets, from its method, path and headers only:
 * size caps first, then the method, then the dashboard's own files, then the token, then the
 * path. Paths are matched exactly against a fixed table, so no request can name a file. The
 * dashboard's files are served to anyone: they hold no data (every jar has the same ones) and a
 * browser opening the page cannot send a bearer header with that first request; the page then
 * sends the token on its own requests. Everything else needs the token, and without it every
 * other path answers 401, so probing reveals nothing beyond what the source already says.
 */
public final class StatusRouter {

    /** Longer request targets are refused (414): no path here is longer than a few characters. */
    public static final int MAX_PATH_LENGTH = 256;
    /** More request headers than this are refused (431); browsers and Prometheus send about 10. */
    public static final int MAX_HEADERS = 64;
    /** Header names and values together; more is refused (431). */
    public static final int MAX_HEADER_BYTES = 16 * 1024;

    /** The dashboard's files, by request path: the only resources ever served. */
    public static final Map<String, StatusRoute.Resource> RESOURCES = Map.of(
            "/", new StatusRoute.Resource("dashboard.html", "text/html; charset=utf-8"),
            "/dashboard.js", new StatusRoute.Resource("dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard.css", new StatusRoute.Resource("dashboard.css", "text/css; charset=utf-8"));

    private final Optional<byte[]> expectedAuthorization;

    /** @param token when present, requests for data need {@code Authorization: Bearer <token>} */
    public StatusRouter(Optional<String> token) {
        this.expectedAuthorization = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param rawPath        the request target's path, undecoded (null when the target had none)
     * @param authorization  every {@code Authorization} header of the request
     * @param headerCount    how many headers the request had
     * @param headerBytes    their names and values together
     */
    public StatusRoute route(
            String method, String rawPath, List<String> authorization, int headerCount, long headerBytes) {
        if (rawPath == null || rawPath.length() > MAX_PATH_LENGTH) {
            return new StatusRoute.Refused(414, "request target too long or missing");
        }
        if (headerCount > MAX_HEADERS || headerBytes > MAX_HEADER_BYTES) {
            return new StatusRoute.Refused(431, "request headers too large");
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return new StatusRoute.Refused(405, "only GET and HEAD");
        }
        StatusRoute.Resource resource = RESOURCES.get(rawPath);
        if (resource != null) {
            return resource;
        }
        if (!authorized(authorization)) {
            return new StatusRoute.Refused(401, "a bearer token is required");
        }
        return switch (rawPath) {
            case "/metrics" -> new StatusRoute.Metrics();
            case "/status" -> new StatusRoute.Status();
            default -> new StatusRoute.Refused(404, "not found");
        };
    }

    public boolean requiresToken() {
        return expectedAuthorization.isPresent();
    }

    private boolean authorized(List<String> authorization) {
        if (expectedAuthorization.isEmpty()) {
            return true;
        }
        if (authorization.size() != 1) {
            return false;
        }
        // Constant time in the header's content: a timing difference must not tell how much matched.
        return MessageDigest.isEqual(
                expectedAuthorization.get(), authorization.getFirst().getBytes(StandardCharsets.UTF_8));
    }
}
