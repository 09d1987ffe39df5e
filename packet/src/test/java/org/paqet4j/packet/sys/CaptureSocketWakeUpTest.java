package org.paqet4j.packet.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A wake-up ends one wait only: after it the capture blocks again until a packet comes (or the
 * next wake-up), so a loop that is woken for other work keeps capturing. On loopback, where the
 * packet is a connection attempt to a listener of the test's own.
 */
class CaptureSocketWakeUpTest {

    @ParameterizedTest(name = "ring {0}")
    @ValueSource(booleans = {false, true})
    void aWakeUpEndsOneWaitAndTheNextWaitBlocksUntilAPacket(boolean ring) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ExecutorService receiver = Executors.newSingleThreadExecutor();
        try (ServerSocket listener = new ServerSocket(0, 50, loopback);
                CaptureSocket capture = CaptureSocket.open(
                        InterfaceInfo.byName("lo"), listener.getLocalPort(), 1 << 20, 8, 2048, ring)) {
            capture.wakeUp();
            capture.wakeUp();
            assertThat(capture.receiveBatch()).as("woken").isZero();
            capture.wakeUp();
            assertThat(capture.receiveBatch()).as("woken again").isZero();

            // Nothing is queued now: this wait must last until the connection attempt below.
            CompletableFuture<Integer> next = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return capture.receiveBatch();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    receiver);
            try (Socket client = new Socket(loopback, listener.getLocalPort())) {
                assertThat(next.get(60, TimeUnit.SECONDS))
                        .as("packets received by the wait after the wake-ups")
                        .isPositive();
            } finally {
                capture.wakeUp();
                receiver.shutdown();
                receiver.awaitTermination(60, TimeUnit.SECONDS);
            }
        } finally {
            receiver.shutdownNow();
        }
    }
}
