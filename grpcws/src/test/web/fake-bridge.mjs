// Test doubles: a fake WebSocket class and the server side of its h2 byte stream, so the client's
// framing, flow control and lifecycle can be checked frame by frame without a network.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { HpackDecoder, HpackEncoder, encodeFrame, FrameType, Flags, PREFACE } from '../../main/web/grpcws.js';

export { FrameType, Flags };

/** Waits until queued microtasks (the client's write coalescing) have run. */
export const settle = () => new Promise(r => setTimeout(r, 0));

/** A fake of the browser WebSocket: records what the client sends; the test plays the server. */
export class FakeWebSocket {
    static instances = [];
    readyState = 0;
    binaryType = 'blob';
    sent = [];
    closedWith = null;
    onopen = null; onmessage = null; onerror = null; onclose = null;

    constructor(url) {
        this.url = url;
        this.server = new FakeServer(this);
        FakeWebSocket.instances.push(this);
    }
    send(data) {
        assert.equal(this.readyState, 1, 'send on a socket that is not open');
        assert.ok(data instanceof Uint8Array, 'the client sends binary messages');
        this.sent.push(data);
        this.server.receive(data);
    }
    close(code) {
        this.closedWith = code;
        this.readyState = 3;
    }
    // Server-side actions
    open() { this.readyState = 1; this.onopen?.({}); }
    deliver(bytes) { this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }); }
    deliverText(s) { this.onmessage?.({ data: s }); }
    drop(code = 1006) { this.readyState = 3; this.onerror?.({}); this.onclose?.({ code, reason: '' }); }
    /** Whether the client left any handler on the socket (the close path must remove them all). */
    get hasHandlers() { return !!(this.onopen || this.onmessage || this.onerror || this.onclose); }
}

/** The server end of one fake socket: parses the client's frames and writes frames back. */
export class FakeServer extends EventEmitter {
    frames = [];
    #buf = new Uint8Array(0);
    #prefaceSeen = false;
    #decoder = new HpackDecoder();
    #encoder = new HpackEncoder();

    constructor(ws) { super(); this.ws = ws; }

    receive(chunk) {
        const b = new Uint8Array(this.#buf.length + chunk.length);
        b.set(this.#buf); b.set(chunk, this.#buf.length);
        let p = 0;
        if (!this.#prefaceSeen) {
            if (b.length < PREFACE.length) { this.#buf = b; return; }
            assert.deepEqual(b.subarray(0, PREFACE.length), PREFACE, 'the client starts with the HTTP/2 preface');
            this.#prefaceSeen = true;
            p = PREFACE.length;
        }
        while (b.length - p >= 9) {
            const len = (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
            if (b.length - p < 9 + len) break;
            const f = {
                type: b[p + 3], flags: b[p + 4],
                stream: new DataView(b.buffer, b.byteOffset + p + 5).getUint32(0) & 0x7fffffff,
                payload: b.slice(p + 9, p + 9 + len),
            };
            if (f.type === FrameType.HEADERS || f.type === FrameType.CONTINUATION) {
                if (f.flags & Flags.END_HEADERS) {
                    const parts = this.frames.filter(x => x.stream === f.stream && x.pendingHeaders).map(x => x.payload);
                    for (const x of this.frames) if (x.stream === f.stream) delete x.pendingHeaders;
                    const block = Buffer.concat([...parts, f.payload]);
                    f.headers = this.#decoder.decode(new Uint8Array(block));
                } else {
                    f.pendingHeaders = true;
                }
            }
            this.frames.push(f);
            this.emit('frame', f);
            p += 9 + len;
        }
        this.#buf = b.slice(p);
    }

    /** Frames of one type (and stream) the client sent so far. */
    of(type, stream) { return this.frames.filter(f => f.type === type && (stream === undefined || f.stream === stream)); }

    send(type, flags, stream, payload) { this.ws.deliver(encodeFrame(type, flags, stream, payload)); }
    settings(pairs = []) {
        const p = new Uint8Array(6 * pairs.length);
        const v = new DataView(p.buffer);
        pairs.forEach(([id, val], i) => { v.setUint16(6 * i, id); v.setUint32(6 * i + 2, val); });
        this.send(FrameType.SETTINGS, 0, 0, p);
    }
    headers(stream, headers, endStream = false) {
        this.send(FrameType.HEADERS, Flags.END_HEADERS | (endStream ? Flags.END_STREAM : 0), stream, this.#encoder.encode(headers));
    }
    responseHeaders(stream) { this.headers(stream, [[':status', '200'], ['content-type', 'application/grpc']]); }
    trailers(stream, status = 0, message) {
        const h = [['grpc-status', String(status)]];
        if (message !== undefined) h.push(['grpc-message', message]);
        this.headers(stream, h, true);
    }
    data(stream, bytes, endStream = false) { this.send(FrameType.DATA, endStream ? Flags.END_STREAM : 0, stream, bytes); }
    windowUpdate(stream, n) { this.send(FrameType.WINDOW_UPDATE, 0, stream, u32(n)); }
    rst(stream, code) { this.send(FrameType.RST_STREAM, 0, stream, u32(code)); }
    goaway(lastStream, code = 0) { const p = new Uint8Array(8); new DataView(p.buffer).setUint32(0, lastStream); new DataView(p.buffer).setUint32(4, code); this.send(FrameType.GOAWAY, 0, 0, p); }

    /** The gRPC messages the client sent on a stream (DATA concatenated, then unframed). */
    requestMessages(stream) {
        const all = Buffer.concat(this.of(FrameType.DATA, stream).map(f => f.payload));
        const out = [];
        for (let p = 0; p < all.length;) {
            const len = all.readUInt32BE(p + 1);
            out.push(new Uint8Array(all.subarray(p + 5, p + 5 + len)));
            p += 5 + len;
        }
        return out;
    }
}

export function u32(n) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; }

/** A gRPC length-prefixed message. */
export function grpcFrame(message) {
    const b = new Uint8Array(5 + message.length);
    new DataView(b.buffer).setUint32(1, message.length);
    b.set(message, 5);
    return b;
}

export function latestSocket() { return FakeWebSocket.instances.at(-1); }
