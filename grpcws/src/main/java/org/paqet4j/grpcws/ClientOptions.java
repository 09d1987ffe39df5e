package org.paqet4j.grpcws;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a client opens its WebSockets.
 *
 * @param headers          extra headers on every upgrade request (e.g. {@code Authorization})
 * @param tls              TLS for wss:// (empty: the JDK's default trust store, with host name checks)
 * @param connectTimeout   TCP connect plus the HTTP upgrade
 * @param readLimitBytes   largest WebSocket message accepted from the bridge
 * @param pingInterval     a ping goes out after this long without inbound frames
 * @param idleTimeout      the WebSocket is dropped after this long without inbound frames
 */
public record ClientOptions(
        Map<String, String> headers,
        Optional<SslContext> tls,
        Duration connectTimeout,
        int readLimitBytes,
        Duration pingInterval,
        Duration idleTimeout) {

    public ClientOptions {
        headers = Map.copyOf(headers);
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException(
                    "idleTimeout " + idleTimeout + " must exceed pingInterval " + pingInterval);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(
                Map.of(),
                Optional.empty(),
                Duration.ofSeconds(10),
                BridgeLimits.DEFAULT_READ_LIMIT,
                Duration.ofSeconds(30),
                Duration.ofSeconds(90));
    }

    public ClientOptions withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ClientOptions(h, tls, connectTimeout, readLimitBytes, pingInterval, idleTimeout);
    }

    public ClientOptions withTls(SslContext context) {
        return new ClientOptions(
                headers, Optional.of(context), connectTimeout, readLimitBytes, pingInterval, idleTimeout);
    }
}
