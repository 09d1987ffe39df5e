package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusRouterTest {

    private static final String TOKEN = "0123456789abcdef0123";
    private final StatusRouter open = new StatusRouter(Optional.empty());
    private final StatusRouter guarded = new StatusRouter(Optional.of(TOKEN));

    private static int code(StatusRoute route) {
        return route.code();
    }

    @Test
    void routesTheFixedPathsOnly() {
        assertThat(open.route("GET", "/metrics", List.of(), 3, 100)).isInstanceOf(StatusRoute.Metrics.class);
        assertThat(open.route("GET", "/status", List.of(), 3, 100)).isInstanceOf(StatusRoute.Status.class);
        assertThat(open.route("HEAD", "/", List.of(), 3, 100))
                .isEqualTo(new StatusRoute.Resource("dashboard.html", "text/html; charset=utf-8"));
        assertThat(open.route("GET", "/dashboard.js", List.of(), 3, 100)).isInstanceOf(StatusRoute.Resource.class);
        for (String path : List.of(
                "/dashboard.html",
                "/../dashboard.js",
                "/%2e%2e/etc/passwd",
                "//dashboard.js",
                "/dashboard.js/",
                "/status/",
                "/org/paqet4j/cli/status/dashboard.js",
                "")) {
            assertThat(code(open.route("GET", path, List.of(), 3, 100)))
                    .as(path)
                    .isEqualTo(404);
        }
    }

    @Test
    void onlyGetAndHead() {
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "TRACE", "get")) {
            assertThat(code(open.route(method, "/status", List.of(), 3, 100)))
                    .as(method)
                    .isEqualTo(405);
        }
    }

    @Test
    void capsPathAndHeadersBeforeAnythingElse() {
        String longPath = "/" + "a".repeat(StatusRouter.MAX_PATH_LENGTH);
        assertThat(code(guarded.route("POST", longPath, List.of(), 3, 100))).isEqualTo(414);
        assertThat(code(guarded.route("GET", null, List.of(), 3, 100))).isEqualTo(414);
        assertThat(code(guarded.route("GET", "/status", List.of(), StatusRouter.MAX_HEADERS + 1, 100)))
                .isEqualTo(431);
        assertThat(code(guarded.route("GET", "/status", List.of(), 3, StatusRouter.MAX_HEADER_BYTES + 1)))
                .isEqualTo(431);
    }

    @Test
    void tokenIsRequiredOnEveryDataPathWhenConfigured() {
        for (String path : List.of("/metrics", "/status", "/nothing", "/dashboard.html", "/status/")) {
            assertThat(code(guarded.route("GET", path, List.of(), 3, 100)))
                    .as(path)
                    .isEqualTo(401);
            assertThat(code(guarded.route("GET", path, List.of("Bearer wrong"), 3, 100)))
                    .as(path)
                    .isEqualTo(401);
            assertThat(code(guarded.route("GET", path, List.of("Bearer " + TOKEN + "x"), 3, 100)))
                    .isEqualTo(401);
            assertThat(code(guarded.route("GET", path, List.of("bearer " + TOKEN), 3, 100)))
                    .isEqualTo(401);
            assertThat(code(guarded.route("GET", path, List.of("Bearer " + TOKEN, "Bearer " + TOKEN), 3, 100)))
                    .as("two Authorization headers")
                    .isEqualTo(401);
        }
        assertThat(guarded.route("GET", "/status", List.of("Bearer " + TOKEN), 3, 100))
                .isInstanceOf(StatusRoute.Status.class);
        // The page's own files hold no data; a browser's first request cannot carry the token.
        for (String path : StatusRouter.RESOURCES.keySet()) {
            assertThat(guarded.route("GET", path, List.of(), 3, 100))
                    .as(path)
                    .isEqualTo(StatusRouter.RESOURCES.get(path));
        }
        assertThat(code(guarded.route("POST", "/", List.of(), 3, 100))).isEqualTo(405);
        assertThat(guarded.requiresToken()).isTrue();
        assertThat(open.requiresToken()).isFalse();
    }
}
