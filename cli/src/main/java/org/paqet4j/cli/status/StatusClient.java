package org.paqet4j.cli.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/** Reads {@code /status} from a running tunnel for {@code paqet status}. */
public final class StatusClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /**
     * Later versions may add fields; an older {@code paqet status} still reads what it knows. The
     * fields it knows are always present and never null, so a missing or null one is the peer's
     * error, reported as such rather than found later as a null while printing.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private final URI status;
    private final Optional<String> token;
    private final HttpClient http;

    /** @param base the endpoint's base URL, e.g. {@code http://127.0.0.1:9090/} */
    public StatusClient(URI base, Optional<String> token) {
        this.status = base.resolve("/status");
        this.token = token;
        this.http = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI uri() {
        return status;
    }

    /** The body of {@code /status}; the exception says which address and what failed. */
    public String fetchJson() throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(status).timeout(TIMEOUT).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException(
                    "cannot reach " + status + ": connection refused (is paqet run running with"
                            + " status.listen set to this address?)",
                    e);
        } catch (HttpTimeoutException e) {
            throw new IOException("cannot reach " + status + ": no answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + status + ": " + e, e);
        }
        return switch (response.statusCode()) {
            case 200 -> response.body();
            case 401 ->
                throw new IOException(status + " wants a bearer token"
                        + (token.isPresent() ? " and refused the one given" : ": set status.token or pass --token"));
            default -> throw new IOException(status + " answered HTTP " + response.statusCode());
        };
    }

    public StatusReport fetch() throws IOException, InterruptedException {
        return parse(fetchJson());
    }

    /** The report in {@code json}; an {@link IOException} says what is missing or malformed. */
    public static StatusReport parse(String json) throws IOException {
        StatusReport report = JSON.readValue(json, StatusReport.class);
        if (report == null) {
            throw new IOException("the status answer is JSON null, not a report");
        }
        return report;
    }

    /**
     * Re-indents a JSON document for reading on a terminal: DEL and C1 control characters come out
     * escaped as well ({@link TerminalSafeEscapes}).
     */
    public static String pretty(String json) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter()
                .with(new TerminalSafeEscapes())
                .writeValueAsString(JSON.readTree(json));
    }

    @Override
    public void close() {
        http.close();
    }
}
