package org.paqet4j.tunnel.server;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Why a resolve or a dial failed, in words for a log line. The JDK's own messages are not always
 * usable: some are null ({@code PortUnreachableException}), some are only the host name
 * ({@code UnknownHostException}), and with its exception-message filtering on (JDK 25's default)
 * some render an internal object, e.g. {@code jdk.internal.util.Exceptions$NonSocketInfo@1b2c3d}
 * when the local host name does not resolve.
 */
final class FailureReason {

    private FailureReason() {}

    static String of(Exception e) {
        String message = e.getMessage();
        boolean usable = message != null && !message.isBlank() && !message.contains("jdk.internal.");
        return switch (e) {
            case UnknownHostException u -> "host not found";
            case SocketTimeoutException t -> "timed out";
            case PortUnreachableException p -> "port unreachable";
            case NoRouteToHostException n -> usable ? message : "no route to host";
            case ConnectException c -> usable ? message : "connection refused";
            default -> usable ? message : e.getClass().getSimpleName();
        };
    }
}
