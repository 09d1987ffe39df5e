// demo.js: runs the three demo calls on load and writes one line per call into <pre id="result">.
// When all three ended, the <pre> gets data-done="true" (what tests wait for).
import { GrpcWsClient, GrpcError, statusName } from './grpcws.js';
import {
    ECHO_UNARY, ECHO_SERVER_STREAM, ECHO_BIDI, encodeEchoMessage, decodeEchoMessage,
    encodeStreamRequest, streamPattern,
} from './echo-proto.js';

const STREAM_BYTES = 1024 * 1024;
const STREAM_CHUNK = 64 * 1024;
const STREAM_SEED = 7;
const BIDI_MESSAGES = 100;

const result = document.getElementById('result');
const line = (text) => { result.textContent += text + '\n'; };

function failure(name, e) {
    if (e instanceof GrpcError) return `${name} FAILED ${statusName(e.code)} ${e.grpcMessage}`;
    return `${name} FAILED UNKNOWN ${e?.message ?? e}`;
}

const hex = (buf) => Array.from(new Uint8Array(buf), b => b.toString(16).padStart(2, '0')).join('');

async function unary(client) {
    const payload = new TextEncoder().encode('hello from the browser');
    const reply = decodeEchoMessage(await client.unary(ECHO_UNARY, encodeEchoMessage({ payload })));
    if (reply.payload.length !== payload.length || !reply.payload.every((b, i) => b === payload[i])) {
        return 'unary FAILED DATA_LOSS the echo differs from the request';
    }
    return 'unary ok';
}

async function stream(client) {
    const received = new Uint8Array(STREAM_BYTES);
    let n = 0;
    const request = encodeStreamRequest({ totalBytes: STREAM_BYTES, chunkBytes: STREAM_CHUNK, seed: STREAM_SEED });
    for await (const m of client.serverStream(ECHO_SERVER_STREAM, request)) {
        const { payload } = decodeEchoMessage(m);
        if (n + payload.length > STREAM_BYTES) return `stream FAILED DATA_LOSS more than ${STREAM_BYTES} bytes`;
        received.set(payload, n);
        n += payload.length;
    }
    const got = hex(await crypto.subtle.digest('SHA-256', received.subarray(0, n)));
    const want = hex(await crypto.subtle.digest('SHA-256', streamPattern(new Uint8Array(STREAM_BYTES), 0, STREAM_SEED)));
    if (n !== STREAM_BYTES || got !== want) return `stream FAILED DATA_LOSS got ${n} bytes with SHA-256 ${got}, expected ${want}`;
    return `stream ok ${n} ${got}`;
}

async function bidi(client) {
    // Ping-pong: each message is sent only after the previous echo came back.
    let release = null;
    async function* requests() {
        for (let i = 0; i < BIDI_MESSAGES; i++) {
            yield encodeEchoMessage({ payload: new TextEncoder().encode(`ping ${i}`) });
            await new Promise(r => { release = r; });
        }
    }
    let count = 0;
    for await (const m of client.bidi(ECHO_BIDI, requests())) {
        const text = new TextDecoder().decode(decodeEchoMessage(m).payload);
        if (text !== `ping ${count}`) return `bidi FAILED DATA_LOSS echo ${count} was ${JSON.stringify(text)}`;
        count++;
        release?.();
    }
    return count === BIDI_MESSAGES ? `bidi ok ${count}` : `bidi FAILED DATA_LOSS ${count} echoes of ${BIDI_MESSAGES}`;
}

async function main() {
    const path = new URLSearchParams(location.search).get('path') ?? '/grpc';
    const client = new GrpcWsClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
    try {
        for (const [name, run] of [['unary', unary], ['stream', stream], ['bidi', bidi]]) {
            line(await run(client).catch(e => failure(name, e)));
        }
    } finally {
        client.close();
        result.dataset.done = 'true';
    }
}

main();
