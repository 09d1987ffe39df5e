package org.paqet4j.grpcws.demo;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Function;

/** The Echo method descriptors with their hand-written marshallers; clients use them too. */
public final class EchoMethods {

    public static final MethodDescriptor.Marshaller<EchoMessage> ECHO_MESSAGE =
            marshaller(ProtoWire::encode, ProtoWire::decodeEcho);
    public static final MethodDescriptor.Marshaller<StreamRequest> STREAM_REQUEST =
            marshaller(ProtoWire::encode, ProtoWire::decodeStreamRequest);

    public static final MethodDescriptor<EchoMessage, EchoMessage> UNARY =
            method("Unary", MethodDescriptor.MethodType.UNARY, ECHO_MESSAGE);
    public static final MethodDescriptor<StreamRequest, EchoMessage> SERVER_STREAM =
            method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING, STREAM_REQUEST);
    public static final MethodDescriptor<EchoMessage, EchoMessage> BIDI =
            method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING, ECHO_MESSAGE);

    private EchoMethods() {}

    private static <Q> MethodDescriptor<Q, EchoMessage> method(
            String name, MethodDescriptor.MethodType type, MethodDescriptor.Marshaller<Q> request) {
        return MethodDescriptor.<Q, EchoMessage>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(EchoService.SERVICE, name))
                .setRequestMarshaller(request)
                .setResponseMarshaller(ECHO_MESSAGE)
                .build();
    }

    private static <T> MethodDescriptor.Marshaller<T> marshaller(
            Function<T, byte[]> encode, Function<byte[], T> decode) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return new ByteArrayInputStream(encode.apply(value));
            }

            @Override
            public T parse(InputStream stream) {
                try (stream) {
                    return decode.apply(stream.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException("reading a " + EchoService.SERVICE + " message", e);
                }
            }
        };
    }
}
