"""An independent gRPC peer for the interop tests: Debian's python3-grpcio with generic handlers
(no generated code). Service interop.Echo on raw bytes:
  Unary         echoes the request
  ServerStream  request = total (8 bytes) + chunk (4) + seed (4), big-endian; streams total bytes
                where byte k is (k * 31 + seed) & 0xff, in messages of chunk bytes
  ClientStream  answers the SHA-256 of all request messages concatenated
  Bidi          echoes each message as it arrives
Prints "PORT <n>" once listening; stops on SIGTERM or when stdin closes."""
import hashlib
import signal
import struct
import sys
import threading
from concurrent import futures

import grpc


def pattern(offset, n, seed):
    return bytes(((offset + i) * 31 + seed) & 0xFF for i in range(n))


def pattern_fast(offset, n, seed):
    # Period 256: build one period starting at offset and repeat it.
    period = bytes(((offset + i) * 31 + seed) & 0xFF for i in range(256))
    reps, rest = divmod(n, 256)
    return period * reps + period[:rest]


def unary(request, context):
    return request


def server_stream(request, context):
    total, chunk, seed = struct.unpack(">QII", request)
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield pattern_fast(sent, n, seed)
        sent += n


def client_stream(request_iterator, context):
    h = hashlib.sha256()
    for m in request_iterator:
        h.update(m)
    return h.digest()


def bidi(request_iterator, context):
    for m in request_iterator:
        yield m


def main():
    handlers = {
        "Unary": grpc.unary_unary_rpc_method_handler(unary),
        "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream),
        "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream),
        "Bidi": grpc.stream_stream_rpc_method_handler(bidi),
    }
    limit = 32 * 1024 * 1024
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=128),
                         options=[("grpc.max_receive_message_length", limit),
                                  ("grpc.max_send_message_length", limit)])
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("interop.Echo", handlers),))
    port = server.add_insecure_port(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop(0)


if __name__ == "__main__":
    main()
