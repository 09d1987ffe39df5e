"""The python3-grpcio client of the interop tests: runs every scenario against interop.Echo at the
target given as argv[1] and prints "OK <scenario>" for each that passed; exits non-zero at the
first failure."""
import hashlib
import os
import queue
import struct
import sys
from concurrent import futures

import grpc

from echo_server import pattern_fast


def ident(x):
    return x


def main():
    target = sys.argv[1]
    limit = 32 * 1024 * 1024
    channel = grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", limit),
                                                     ("grpc.max_send_message_length", limit)])
    unary = channel.unary_unary("/interop.Echo/Unary", request_serializer=ident, response_deserializer=ident)
    server_stream = channel.unary_stream("/interop.Echo/ServerStream", request_serializer=ident,
                                         response_deserializer=ident)
    client_stream = channel.stream_unary("/interop.Echo/ClientStream", request_serializer=ident,
                                         response_deserializer=ident)
    bidi = channel.stream_stream("/interop.Echo/Bidi", request_serializer=ident, response_deserializer=ident)

    payload = os.urandom(1024)
    assert unary(payload, timeout=60) == payload, "unary echo differs"
    print("OK unary", flush=True)

    total, chunk, seed = 64 * 1024 * 1024, 1024 * 1024, 11
    got = hashlib.sha256()
    n = 0
    for m in server_stream(struct.pack(">QII", total, chunk, seed), timeout=600):
        got.update(m)
        n += len(m)
    want = hashlib.sha256(pattern_fast(0, total, seed)).digest()
    assert n == total, "server stream brought %d of %d bytes" % (n, total)
    assert got.digest() == want, "server stream hash differs"
    print("OK server-stream", flush=True)

    parts = [os.urandom(1024 * 1024) for _ in range(16)]
    digest = client_stream(iter(parts), timeout=600)
    assert digest == hashlib.sha256(b"".join(parts)).digest(), "client stream hash differs"
    print("OK client-stream", flush=True)

    count = 10000
    outbox = queue.Queue()
    outbox.put(struct.pack(">I", 0))

    def requests():
        for _ in range(count):
            yield outbox.get()

    seen = 0
    for reply in bidi(requests(), timeout=600):
        assert reply == struct.pack(">I", seen), "bidi reply %d differs" % seen
        seen += 1
        if seen < count:
            outbox.put(struct.pack(">I", seen))
    assert seen == count, "bidi got %d of %d replies" % (seen, count)
    print("OK bidi-ping-pong", flush=True)

    with futures.ThreadPoolExecutor(max_workers=100) as pool:
        bodies = [os.urandom(4096) for _ in range(100)]
        calls = [pool.submit(unary, b, timeout=120) for b in bodies]
        for body, call in zip(bodies, calls):
            assert call.result() == body, "concurrent unary reply differs"
    print("OK concurrent-100", flush=True)


if __name__ == "__main__":
    main()
