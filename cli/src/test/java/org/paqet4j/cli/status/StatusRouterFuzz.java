package org.paqet4j.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Arbitrary methods, paths and Authorization headers into the status endpoint's router: it never
 * throws, serves a resource only from its fixed table, and without the token answers nothing but
 * the dashboard's static files, 401, or a size or method refusal: never /status or /metrics.
 */
class StatusRouterFuzz {

    private static final String TOKEN = "fuzz-token-0123456789";
    private final StatusRouter router = new StatusRouter(Optional.of(TOKEN));

    @FuzzTest(maxDuration = "2m")
    void route(FuzzedDataProvider data) {
        String method = data.pickValue(new String[] {"GET", "HEAD", "POST", data.consumeString(8)});
        boolean withToken = data.consumeBoolean();
        List<String> authorization = new ArrayList<>();
        if (withToken) {
            authorization.add("Bearer " + TOKEN);
        }
        int extra = data.consumeInt(0, 2);
        for (int i = 0; i < extra; i++) {
            authorization.add(data.consumeString(64));
        }
        int headerCount = data.consumeInt(0, 100);
        long headerBytes = data.consumeLong(0, 40_000);
        String path = data.consumeBoolean() ? null : data.consumeRemainingAsString();

        StatusRoute route = router.route(method, path, authorization, headerCount, headerBytes);

        assertThat(route).isNotNull();
        if (route instanceof StatusRoute.Resource r) {
            assertThat(StatusRouter.RESOURCES).containsEntry(path, r);
        }
        boolean authorized =
                authorization.size() == 1 && authorization.getFirst().equals("Bearer " + TOKEN);
        if (!authorized) {
            assertThat(route).isInstanceOfAny(StatusRoute.Refused.class, StatusRoute.Resource.class);
        }
        if (!(route instanceof StatusRoute.Refused)) {
            assertThat(method).isIn("GET", "HEAD");
            assertThat(path.length()).isLessThanOrEqualTo(StatusRouter.MAX_PATH_LENGTH);
        }
    }
}
