package org.paqet4j.kcp;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a receive batch fed, each once, in the order they were first fed: at the end of the
 * batch each gets one eager flush, carrying the ACKs and segments all of its datagrams asked for.
 * Owned by one carrier's receive thread. A batch is bounded (see {@link CarrierReceiver}), so a
 * linear search for duplicates costs little.
 */
final class TouchedSessions {
    private static final Logger log = LoggerFactory.getLogger(TouchedSessions.class);

    private KcpSession[] sessions = new KcpSession[8];
    private int count;

    void add(KcpSession session) {
        for (int i = 0; i < count; i++) {
            if (sessions[i] == session) {
                return;
            }
        }
        if (count == sessions.length) {
            sessions = Arrays.copyOf(sessions, count * 2);
        }
        sessions[count++] = session;
    }

    int size() {
        return count;
    }

    /**
     * Runs each session's eager flush, one session after another (each takes and releases its own
     * lock), and forgets them all.
     */
    void flushAll(OutputBatch out) {
        for (int i = 0; i < count; i++) {
            KcpSession session = sessions[i];
            sessions[i] = null;
            try {
                session.afterInput(out);
            } catch (RuntimeException e) {
                // One session's failure must not keep the others' ACKs back or kill the receive loop.
                log.warn("{}: flush after input failed: {}", session, e.toString(), e);
            }
        }
        count = 0;
    }
}
