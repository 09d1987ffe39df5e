// Runs grpcws.js against a real grpc-java server's bytes, through a pipe instead of a WebSocket.
//
//   node grpc-java-replay.mjs record
//       The client's h2 bytes go to stdout as "send <hex>" lines; the server's bytes come in on
//       stdin as "recv <hex>" lines (the Java test relays them to and from a grpc-java server and
//       keeps what the server sent). Prints "result <json>" once every call ended.
//   node grpc-java-replay.mjs replay <recording.hex>
//       Feeds a recording of the server's bytes to fresh clients making the same calls, whole, one
//       byte per message and in uneven chunks, and prints "result <json>" for each way.
//
// The calls start together so their stream ids (1, 3, 5, 7) match the recording.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { GrpcWsClient, statusName } from '../../main/web/grpcws.js';
import {
    ECHO_UNARY, ECHO_SERVER_STREAM, ECHO_BIDI, encodeEchoMessage, decodeEchoMessage, encodeStreamRequest,
} from '../../main/web/echo-proto.js';

const text = (s) => new TextEncoder().encode(s);
const decode = (b) => new TextDecoder().decode(b);

/** A WebSocket stand-in whose bytes go wherever the caller says. */
function pipeSocket(onSend, sockets) {
    return class PipeSocket {
        readyState = 0;
        constructor() {
            sockets.push(this);
            queueMicrotask(() => { this.readyState = 1; this.onopen?.({}); });
        }
        send(bytes) { onSend(bytes); }
        close() { this.readyState = 3; }
        receive(bytes) { this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }); }
    };
}

async function calls(client) {
    const outcome = (p) => p.catch(e => `${statusName(e.code)} ${e.grpcMessage}`);
    const unary = outcome(client.unary(ECHO_UNARY, encodeEchoMessage({ payload: text('recorded from grpc-java') }))
        .then(m => `unary ${decode(decodeEchoMessage(m).payload)}`));
    const stream = outcome((async () => {
        const sha = createHash('sha256');
        let n = 0;
        let messages = 0;
        const req = encodeStreamRequest({ totalBytes: 300000, chunkBytes: 20000, seed: 9 });
        for await (const m of client.serverStream(ECHO_SERVER_STREAM, req)) {
            const { payload } = decodeEchoMessage(m);
            sha.update(payload);
            n += payload.length;
            messages++;
        }
        return `stream ${n} ${messages} ${sha.digest('hex')}`;
    })());
    const bidi = outcome((async () => {
        const requests = Array.from({ length: 10 }, (_, i) => encodeEchoMessage({ payload: text(`m${i}`) }));
        const got = [];
        for await (const m of client.bidi(ECHO_BIDI, requests)) got.push(decode(decodeEchoMessage(m).payload));
        return `bidi ${got.join(',')}`;
    })());
    const missing = outcome(client.unary('/paqet4j.demo.Echo/Missing', new Uint8Array(0)).then(() => 'missing OK'));
    return Promise.all([unary, stream, bidi, missing]);
}

const hex = (b) => Buffer.from(b).toString('hex');

if (process.argv[2] === 'record') {
    const sockets = [];
    const client = new GrpcWsClient('ws://grpc-java.test/grpc', {
        WebSocket: pipeSocket((b) => process.stdout.write(`send ${hex(b)}\n`), sockets), closeOnPageHide: false,
    });
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
        if (line.startsWith('recv ')) sockets[0].receive(new Uint8Array(Buffer.from(line.slice(5), 'hex')));
    });
    const results = await calls(client);
    process.stdout.write(`result ${JSON.stringify(results)}\n`);
    client.close();
    lines.close();
} else if (process.argv[2] === 'replay') {
    const recording = new Uint8Array(Buffer.from(readFileSync(process.argv[3], 'utf8').trim(), 'hex'));
    const chunkings = {
        whole: () => [recording],
        'one byte each': () => Array.from(recording, (b) => Uint8Array.of(b)),
        uneven: () => {
            const out = [];
            for (let p = 0, i = 0; p < recording.length; i++) {
                const n = [1, 7, 9, 100, 4096, 16393, 3][i % 7];
                out.push(recording.subarray(p, p + n));
                p += n;
            }
            return out;
        },
    };
    for (const [name, chunks] of Object.entries(chunkings)) {
        const sockets = [];
        const client = new GrpcWsClient('ws://grpc-java.test/grpc', { WebSocket: pipeSocket(() => {}, sockets), closeOnPageHide: false });
        const done = calls(client);
        await new Promise(r => setTimeout(r, 0)); // the socket opens, the calls send their headers
        for (const c of chunks()) sockets[0].receive(c);
        process.stdout.write(`result ${name}: ${JSON.stringify(await done)}\n`);
        client.close();
    }
} else {
    console.error('usage: grpc-java-replay.mjs record | replay <recording.hex>');
    process.exit(2);
}
