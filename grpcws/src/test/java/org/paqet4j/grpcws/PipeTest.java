package org.paqet4j.grpcws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PipeTest {

    @RepeatedTest(20)
    void closeRunsOnceWhenEverySideClosesAtOnce() throws Exception {
        EmbeddedChannel ws = new EmbeddedChannel();
        EmbeddedChannel stream = new EmbeddedChannel();
        AtomicInteger released = new AtomicInteger();
        Pipe pipe = new Pipe(ws, () -> WebSocketCloseStatus.NORMAL_CLOSURE, released::incrementAndGet);
        pipe.attachStream(stream);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger winners = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean fromStream = i % 2 == 0;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                if (fromStream) {
                    pipe.streamEnded();
                } else if (pipe.close(WebSocketCloseStatus.MESSAGE_TOO_BIG)) {
                    winners.incrementAndGet();
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        ws.runPendingTasks();
        stream.runPendingTasks();
        assertThat(released.get()).isEqualTo(1);
        assertThat(winners.get()).isLessThanOrEqualTo(1);
        assertThat(pipe.close(WebSocketCloseStatus.NORMAL_CLOSURE)).isFalse();
        assertThat(ws.isOpen()).isFalse();
        assertThat(stream.isOpen()).isFalse();
        CloseWebSocketFrame sent = ws.readOutbound();
        assertThat(sent).isNotNull();
        assertThat(sent.statusCode()).isIn(1000, 1009);
        sent.release();
        assertThat((Object) ws.readOutbound()).as("one close frame only").isNull();
    }

    @Test
    void aStreamAttachedAfterTheCloseIsClosedToo() {
        EmbeddedChannel ws = new EmbeddedChannel();
        Pipe pipe = new Pipe(ws, () -> WebSocketCloseStatus.NORMAL_CLOSURE, () -> {});
        assertThat(pipe.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE)).isTrue();
        EmbeddedChannel late = new EmbeddedChannel();
        pipe.attachStream(late);
        assertThat(late.isOpen()).isFalse();
        CloseWebSocketFrame sent = ws.readOutbound();
        assertThat(sent.statusCode()).isEqualTo(1001);
        sent.release();
    }
}
