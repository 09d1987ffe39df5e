package org.paqet4j.tunnel.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import org.paqet4j.tunnel.stream.TunnelStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes both ways between a TCP socket and a tunnel stream with half-close: socket EOF
 * becomes a stream FIN ({@link TunnelStream#closeWrite}), stream EOF becomes
 * {@link Socket#shutdownOutput}. Returns when both directions ended; an error in either direction
 * closes both, so neither copier is left blocked.
 */
public final class TcpRelay {

    private static final Logger log = LoggerFactory.getLogger(TcpRelay.class);
    /** 16 KiB per direction keeps 1000 idle connections near 32 MiB of buffers. */
    private static final int BUFFER_SIZE = 16 * 1024;

    private TcpRelay() {
    }

    /** Runs the relay; the caller still owns (and closes) both ends. */
    public static void run(Socket socket, TunnelStream stream, String label) {
        Thread upstream = Thread.ofVirtual().name("relay-up-" + stream.id()).start(() -> {
            try {
                copy(socket.getInputStream(), stream.outputStream());
                stream.closeWrite();
            } catch (IOException e) {
                log.debug("{}: socket -> stream {} ended: {}", label, stream.id(), e.toString());
                abort(socket, stream);
            }
        });
        try {
            copy(stream.inputStream(), socket.getOutputStream());
            socket.shutdownOutput();
        } catch (IOException e) {
            log.debug("{}: stream {} -> socket ended: {}", label, stream.id(), e.toString());
            abort(socket, stream);
        }
        try {
            upstream.join();
        } catch (InterruptedException e) {
            abort(socket, stream);
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }

    private static void abort(Socket socket, TunnelStream stream) {
        stream.close();
        try {
            socket.close();
        } catch (IOException e) {
            log.trace("closing {}: {}", socket, e.toString());
        }
    }
}
