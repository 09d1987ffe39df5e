package org.paqet4j.tunnel.testing;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.paqet4j.tunnel.client.StreamOpener;
import org.paqet4j.tunnel.protocol.Target;
import org.paqet4j.tunnel.session.TunnelStream;

/** A tunnel whose far end echoes: TCP streams echo bytes (and FIN), UDP streams echo each message. */
public final class EchoOpener implements StreamOpener {

    public final List<String> opened = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(3);
    public volatile boolean unavailable;

    @Override
    public TunnelStream openTcp(Target target) throws IOException {
        MemoryStream[] pair = open("tcp " + target);
        Thread.ofVirtual().start(() -> {
            try (MemoryStream far = pair[1]) {
                far.inputStream().transferTo(far.outputStream());
                far.closeWrite();
            } catch (IOException e) {
                // the near end went away
            }
        });
        return pair[0];
    }

    @Override
    public TunnelStream openUdp(Target target) throws IOException {
        MemoryStream[] pair = open("udp " + target);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[65_535];
            try (MemoryStream far = pair[1]) {
                int n;
                while ((n = far.readMessage(buf, 0)) >= 0) {
                    far.writeMessage(buf, 0, n);
                }
            } catch (IOException e) {
                // the near end went away
            }
        });
        return pair[0];
    }

    private MemoryStream[] open(String what) throws IOException {
        if (unavailable) {
            throw new IOException("no live connection");
        }
        opened.add(what);
        return MemoryStream.pair(ids.getAndAdd(2));
    }
}
