package org.paqet4j.grpcws.demo;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo service {@code paqet4j.demo.Echo}: Unary echoes, ServerStream sends a pattern any
 * client can recompute ({@link StreamRequest#patternByte}), Bidi echoes each message as it
 * arrives. It counts calls that ended CANCELLED per method, so tests can check that a dropped
 * WebSocket really cancels the calls it carried.
 */
public final class EchoService implements BindableService {

    public static final String SERVICE = "paqet4j.demo.Echo";
    /** Largest ServerStream chunk (a client's default inbound message limit is 4 MiB). */
    public static final int MAX_CHUNK = 4 * 1024 * 1024;
    /** Largest ServerStream total, so one request cannot keep the server busy for long. */
    public static final long MAX_TOTAL = 1L << 30;

    private final Map<String, AtomicLong> cancelled =
            Map.of("Unary", new AtomicLong(), "ServerStream", new AtomicLong(), "Bidi", new AtomicLong());

    /** Calls of {@code method} ("Unary", "ServerStream", "Bidi") that ended CANCELLED so far. */
    public long cancelledCalls(String method) {
        AtomicLong n = cancelled.get(method);
        if (n == null) {
            throw new IllegalArgumentException("Echo has no method " + method);
        }
        return n.get();
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(EchoMethods.UNARY, ServerCalls.asyncUnaryCall(this::unary))
                .addMethod(EchoMethods.SERVER_STREAM, ServerCalls.asyncServerStreamingCall(this::serverStream))
                .addMethod(EchoMethods.BIDI, ServerCalls.asyncBidiStreamingCall(this::bidi))
                .build();
    }

    private void countCancel(StreamObserver<?> observer, String method) {
        ((ServerCallStreamObserver<?>) observer)
                .setOnCancelHandler(() -> cancelled.get(method).incrementAndGet());
    }

    private void unary(EchoMessage request, StreamObserver<EchoMessage> out) {
        countCancel(out, "Unary");
        out.onNext(request);
        out.onCompleted();
    }

    private void serverStream(StreamRequest request, StreamObserver<EchoMessage> out) {
        countCancel(out, "ServerStream");
        if (request.chunkBytes() <= 0
                || request.chunkBytes() > MAX_CHUNK
                || request.totalBytes() < 0
                || request.totalBytes() > MAX_TOTAL) {
            out.onError(Status.INVALID_ARGUMENT
                    .withDescription("chunk_bytes must be 1.." + MAX_CHUNK + " and total_bytes at most " + MAX_TOTAL
                            + "; got " + request)
                    .asRuntimeException());
            return;
        }
        ServerCallStreamObserver<EchoMessage> call = (ServerCallStreamObserver<EchoMessage>) out;
        // Sends only while the transport is ready, so a slow client holds back the server
        // instead of filling its memory.
        call.setOnReadyHandler(new Runnable() {
            private long sent;
            private boolean done;

            @Override
            public void run() {
                while (!done && call.isReady() && !call.isCancelled()) {
                    if (sent >= request.totalBytes()) {
                        done = true;
                        call.onCompleted();
                        return;
                    }
                    int n = (int) Math.min(request.chunkBytes(), request.totalBytes() - sent);
                    byte[] chunk = new byte[n];
                    for (int i = 0; i < n; i++) {
                        chunk[i] = StreamRequest.patternByte(sent + i, request.seed());
                    }
                    sent += n;
                    call.onNext(EchoMessage.owning(chunk));
                }
            }
        });
    }

    private StreamObserver<EchoMessage> bidi(StreamObserver<EchoMessage> out) {
        countCancel(out, "Bidi");
        ServerCallStreamObserver<EchoMessage> call = (ServerCallStreamObserver<EchoMessage>) out;
        // Reads the next message only when the echo of the last one could be sent: a client that
        // sends without reading the replies stalls instead of filling the server's memory.
        call.disableAutoRequest();
        boolean[] waitingForReady = {true};
        call.setOnReadyHandler(() -> {
            if (waitingForReady[0] && call.isReady()) {
                waitingForReady[0] = false;
                call.request(1);
            }
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(EchoMessage message) {
                call.onNext(message);
                if (call.isReady()) {
                    call.request(1);
                } else {
                    waitingForReady[0] = true;
                }
            }

            @Override
            public void onError(Throwable t) {
                // The call is over (cancelled or failed); there is nobody left to answer.
            }

            @Override
            public void onCompleted() {
                call.onCompleted();
            }
        };
    }
}
