package org.paqet4j.cli.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The demo's web server, run as a child JVM on the server side: serves one file at
 * {@code /NAME} with its length, until killed. Prints {@code serving PORT} once it listens.
 * (A JDK server rather than python3 -m http.server: nothing to install, and the same JVM.)
 */
public final class DemoFileServer {
    private DemoFileServer() {}

    /** Arguments: FILE BIND-ADDRESS PORT (0 = any free port). */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: DemoFileServer FILE BIND-ADDRESS PORT");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String path = "/" + file.getFileName();
        HttpServer server = HttpServer.create(new InetSocketAddress(args[1], Integer.parseInt(args[2])), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, Files.size(file));
                try (InputStream in = Files.newInputStream(file);
                        OutputStream out = exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        });
        server.start();
        System.out.println("serving " + server.getAddress().getPort());
        System.out.flush();
    }
}
