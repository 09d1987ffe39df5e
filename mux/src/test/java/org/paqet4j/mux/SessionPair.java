package org.paqet4j.mux;

/** A client and a server session joined by bounded in-memory pipes; closing it closes both. */
record SessionPair(MuxSession client, MuxSession server) implements AutoCloseable {
    static SessionPair open(MuxConfig config) {
        return open(config, 256 * 1024);
    }

    static SessionPair open(MuxConfig config, int pipeCapacity) {
        MuxTransport[] t = MemoryPipe.pair(pipeCapacity);
        return new SessionPair(MuxSession.client(t[0], config), MuxSession.server(t[1], config));
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
