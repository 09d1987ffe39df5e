// The client's HTTP/2 framing, flow control, gRPC status handling and lifecycle, against a fake
// WebSocket whose server side the tests play frame by frame.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { GrpcWsClient, GrpcError, Status, ErrorCode, Setting } from '../../main/web/grpcws.js';
import { FakeWebSocket, FrameType, Flags, settle, grpcFrame, latestSocket, u32 } from './fake-bridge.mjs';

const METHOD = '/paqet4j.demo.Echo/Unary';
const enc = (s) => new TextEncoder().encode(s);

beforeEach(() => { FakeWebSocket.instances = []; });

function client(options = {}) {
    return new GrpcWsClient('ws://bridge.test:8080/grpc', { WebSocket: FakeWebSocket, closeOnPageHide: false, ...options });
}

async function opened() {
    await settle();
    const ws = latestSocket();
    ws.open();
    await settle();
    return [ws, ws.server];
}

async function rejectsWith(promise, code, pattern) {
    await assert.rejects(promise, (e) => {
        assert.ok(e instanceof GrpcError, `a GrpcError, got ${e}`);
        assert.equal(e.code, code, `status ${e.code} (${e.message})`);
        if (pattern) assert.match(e.grpcMessage, pattern);
        return true;
    });
}

test('the client speaks first: preface, SETTINGS (no push, its window), a connection WINDOW_UPDATE, then the call', async () => {
    const c = client({ streamWindowBytes: 100_000, connectionWindowBytes: 1_000_000 });
    const reply = c.unary(METHOD, enc('hi'), { metadata: { authorization: 'Bearer t' } });
    const [, server] = await opened();
    assert.deepEqual(server.frames.slice(0, 3).map(f => f.type), [FrameType.SETTINGS, FrameType.WINDOW_UPDATE, FrameType.HEADERS]);
    const s = new DataView(server.frames[0].payload.buffer);
    const settings = new Map();
    for (let i = 0; i < s.byteLength; i += 6) settings.set(s.getUint16(i), s.getUint32(i + 2));
    assert.equal(settings.get(Setting.ENABLE_PUSH), 0);
    assert.equal(settings.get(Setting.INITIAL_WINDOW_SIZE), 100_000);
    assert.equal(new DataView(server.frames[1].payload.buffer).getUint32(0), 1_000_000 - 65535);
    const h = server.frames[2];
    assert.equal(h.stream, 1);
    assert.deepEqual(h.headers, [[':method', 'POST'], [':scheme', 'http'], [':path', METHOD],
        [':authority', 'bridge.test:8080'], ['content-type', 'application/grpc'], ['te', 'trailers'],
        ['authorization', 'Bearer t']]);
    const data = server.of(FrameType.DATA, 1);
    assert.equal(data.at(-1).flags & Flags.END_STREAM, Flags.END_STREAM);
    assert.deepEqual(server.requestMessages(1), [enc('hi')]);
    server.responseHeaders(1);
    server.data(1, grpcFrame(enc('hello')));
    server.trailers(1);
    assert.deepEqual(await reply, enc('hello'));
});

test('SETTINGS are acknowledged and PINGs answered with the same payload', async () => {
    const c = client();
    c.unary(METHOD, enc('x')).catch(() => {});
    const [, server] = await opened();
    server.settings([[Setting.MAX_FRAME_SIZE, 32768]]);
    server.send(FrameType.PING, 0, 0, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    server.send(FrameType.PING, Flags.ACK, 0, Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9));
    await settle();
    assert.equal(server.of(FrameType.SETTINGS).filter(f => f.flags & Flags.ACK).length, 1);
    const pings = server.of(FrameType.PING);
    assert.equal(pings.length, 1, 'a PING ACK is not answered');
    assert.equal(pings[0].flags, Flags.ACK);
    assert.deepEqual(pings[0].payload, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    c.close();
});

test('a response split into one-byte WebSocket messages, with headers in HEADERS + CONTINUATION', async () => {
    const c = client();
    const reply = c.unary(METHOD, enc('x'));
    const [ws] = await opened();
    const { HpackEncoder, encodeFrame } = await import('../../main/web/grpcws.js');
    const block = new HpackEncoder().encode([[':status', '200'], ['content-type', 'application/grpc+proto'], ['x-pad', 'p'.repeat(50)]]);
    const bytes = Buffer.concat([
        encodeFrame(FrameType.HEADERS, 0, 1, block.subarray(0, 10)),
        encodeFrame(FrameType.CONTINUATION, 0, 1, block.subarray(10, 20)),
        encodeFrame(FrameType.CONTINUATION, Flags.END_HEADERS, 1, block.subarray(20)),
        encodeFrame(FrameType.DATA, 0, 1, grpcFrame(enc('split reply'))),
        encodeFrame(FrameType.HEADERS, Flags.END_HEADERS | Flags.END_STREAM, 1, new HpackEncoder().encode([['grpc-status', '0']])),
    ]);
    for (const b of bytes) ws.deliver(Uint8Array.of(b));
    assert.deepEqual(await reply, enc('split reply'));
});

test('padded DATA and HEADERS frames are unpadded', async () => {
    const c = client();
    const reply = c.unary(METHOD, enc('x'));
    const [, server] = await opened();
    const { HpackEncoder } = await import('../../main/web/grpcws.js');
    const block = new HpackEncoder().encode([[':status', '200'], ['content-type', 'application/grpc']]);
    server.send(FrameType.HEADERS, Flags.END_HEADERS | Flags.PADDED, 1, Uint8Array.from([3, ...block, 0, 0, 0]));
    const msg = grpcFrame(enc('padded'));
    server.send(FrameType.DATA, Flags.PADDED, 1, Uint8Array.from([4, ...msg, 0, 0, 0, 0]));
    server.trailers(1);
    assert.deepEqual(await reply, enc('padded'));
});

test('a trailers-only error carries the status and the percent-decoded grpc-message', async () => {
    const c = client();
    const reply = c.unary(METHOD, enc('x'));
    const [, server] = await opened();
    server.headers(1, [[':status', '200'], ['content-type', 'application/grpc'], ['grpc-status', '5'],
        ['grpc-message', 'no such thing: caf%C3%A9 100%25 %zz']], true);
    await rejectsWith(reply, Status.NOT_FOUND, /^no such thing: café 100% %zz$/);
});

test('HTTP errors and malformed responses map to gRPC statuses', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const b = c.unary(METHOD, enc('x'));
    const d = c.unary(METHOD, enc('x'));
    const e = c.unary(METHOD, enc('x'));
    const [, server] = await opened();
    server.headers(1, [[':status', '503']], true);
    server.headers(3, [[':status', '200'], ['content-type', 'text/html']]);
    server.responseHeaders(5);
    server.headers(5, [['grpc-message', 'no status']], true);
    server.responseHeaders(7);
    server.trailers(7, 0);
    await rejectsWith(a, Status.UNAVAILABLE, /HTTP status 503/);
    await rejectsWith(b, Status.UNKNOWN, /content-type/);
    await rejectsWith(d, Status.INTERNAL, /grpc-status/);
    await rejectsWith(e, Status.INTERNAL, /without a response message/);
});

test('RST_STREAM from the server ends the call with the mapped status', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const b = c.unary(METHOD, enc('x'));
    const [, server] = await opened();
    server.rst(1, ErrorCode.CANCEL);
    server.rst(3, ErrorCode.REFUSED_STREAM);
    await rejectsWith(a, Status.CANCELLED);
    await rejectsWith(b, Status.UNAVAILABLE);
});

// Plays a server that sends 16 KiB DATA frames as long as the client's window allows.
function windowedSender(server, stream, initialWindow) {
    let window = initialWindow;
    let sent = 0;
    server.on('frame', (f) => {
        if (f.type === FrameType.WINDOW_UPDATE && f.stream === stream) window += new DataView(f.payload.buffer).getUint32(0);
    });
    return {
        get sent() { return sent; },
        get window() { return window; },
        /** Sends until the window is closed; returns the bytes sent. */
        async fill(chunk) {
            let n = 0;
            for (;;) {
                await settle();
                if (window < chunk.length) return n;
                server.data(stream, chunk);
                window -= chunk.length;
                sent += chunk.length;
                n += chunk.length;
            }
        },
    };
}

test('inbound flow control: a reader that does not read closes the window (bounded buffering); reading reopens it', async () => {
    const W = 65536;
    const c = client({ streamWindowBytes: W });
    const stream = c.serverStream('/paqet4j.demo.Echo/ServerStream', enc('go'));
    const [, server] = await opened();
    server.responseHeaders(1);
    const chunk = grpcFrame(new Uint8Array(16379)); // 16384 bytes with its prefix
    const sender = windowedSender(server, 1, W);
    const buffered = await sender.fill(chunk);
    assert.ok(buffered >= W && buffered <= 2 * W, `the client stops crediting with ${buffered} bytes unread (window ${W})`);
    let read = 0;
    while (read < buffered) read += 5 + (await stream.next()).value.length;
    await settle();
    assert.ok(sender.window >= W / 2, `reading reopened the window (${sender.window})`);
    const more = await sender.fill(chunk);
    assert.ok(more > 0);
    for (let r = 0; r < more;) r += 5 + (await stream.next()).value.length;
    server.trailers(1);
    assert.equal((await stream.next()).done, true);
});

test('inbound flow control: a server that overruns the stream window gets RST_STREAM FLOW_CONTROL_ERROR', async () => {
    const c = client({ streamWindowBytes: 65535 });
    const stream = c.serverStream('/paqet4j.demo.Echo/ServerStream', enc('go'));
    const [, server] = await opened();
    server.responseHeaders(1);
    const sender = windowedSender(server, 1, 65535);
    await sender.fill(new Uint8Array(16384));
    server.data(1, new Uint8Array(sender.window + 1));
    await rejectsWith(stream.next(), Status.INTERNAL, /overran the stream window/);
    await settle();
    const rst = server.of(FrameType.RST_STREAM, 1);
    assert.equal(new DataView(rst[0].payload.buffer).getUint32(0), ErrorCode.FLOW_CONTROL_ERROR);
});

test('outbound flow control: request bytes wait for WINDOW_UPDATE and END_STREAM comes last', async () => {
    const c = client();
    c.unary(METHOD, enc('opens the connection')).catch(() => {});
    const [, server] = await opened();
    server.settings([[Setting.INITIAL_WINDOW_SIZE, 100]]);
    const reply = c.clientStream('/paqet4j.demo.Echo/Collect', [enc('a'.repeat(150)), enc('b'.repeat(150))]);
    await settle();
    const sent = () => server.of(FrameType.DATA, 3).reduce((n, f) => n + f.payload.length, 0);
    assert.equal(sent(), 100);
    server.windowUpdate(3, 100);
    await settle();
    assert.equal(sent(), 200);
    server.windowUpdate(3, 1000);
    await settle();
    assert.equal(sent(), 310);
    const data = server.of(FrameType.DATA, 3);
    assert.equal(data.filter(f => f.flags & Flags.END_STREAM).length, 1);
    assert.equal(data.at(-1).flags & Flags.END_STREAM, Flags.END_STREAM);
    assert.deepEqual(server.requestMessages(3), [enc('a'.repeat(150)), enc('b'.repeat(150))]);
    server.responseHeaders(3);
    server.data(3, grpcFrame(enc('2')));
    server.trailers(3);
    assert.deepEqual(await reply, enc('2'));
    c.close();
});

test('outbound flow control: the connection window also limits, and its WINDOW_UPDATE resumes every stream', async () => {
    const c = client();
    const a = c.clientStream('/s.S/A', [new Uint8Array(40000)]);
    const b = c.clientStream('/s.S/B', [new Uint8Array(40000)]);
    const [, server] = await opened();
    server.settings([[Setting.INITIAL_WINDOW_SIZE, 1 << 20]]);
    await settle();
    const sent = () => server.of(FrameType.DATA).reduce((n, f) => n + f.payload.length, 0);
    assert.equal(sent(), 65535);
    server.windowUpdate(0, 100000);
    await settle();
    assert.equal(sent(), 80010);
    for (const id of [1, 3]) { server.responseHeaders(id); server.data(id, grpcFrame(enc('ok'))); server.trailers(id); }
    await Promise.all([a, b]);
});

test('bidi: async iterator in, async iterator out, echo by echo', async () => {
    const c = client();
    let release;
    async function* requests() {
        for (let i = 0; i < 5; i++) {
            yield enc(`m${i}`);
            await new Promise(r => { release = r; });
        }
    }
    const responses = c.bidi('/paqet4j.demo.Echo/Bidi', requests());
    const [, server] = await opened();
    server.responseHeaders(1);
    let echoed = 0;
    server.on('frame', (f) => {
        if (f.type !== FrameType.DATA || f.stream !== 1) return;
        if (f.payload.length) queueMicrotask(() => server.data(1, f.payload));
        if (f.flags & Flags.END_STREAM) queueMicrotask(() => server.trailers(1));
    });
    // The first message was sent before the listener was registered: echo it by hand.
    for (const f of server.of(FrameType.DATA, 1)) { server.data(1, f.payload); echoed++; }
    const got = [];
    for await (const m of responses) { got.push(new TextDecoder().decode(m)); release(); }
    assert.deepEqual(got, ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.equal(echoed, 1);
});

test('AbortSignal cancels: RST_STREAM CANCEL to the server, CANCELLED to the caller', async () => {
    const c = client();
    const ac = new AbortController();
    const stream = c.serverStream('/paqet4j.demo.Echo/ServerStream', enc('go'), { signal: ac.signal });
    const [, server] = await opened();
    server.responseHeaders(1);
    server.data(1, grpcFrame(enc('first')));
    assert.deepEqual((await stream.next()).value, enc('first'));
    const pending = stream.next();
    ac.abort('user went away');
    await rejectsWith(pending, Status.CANCELLED, /user went away/);
    await settle();
    const rst = server.of(FrameType.RST_STREAM, 1);
    assert.equal(rst.length, 1);
    assert.equal(new DataView(rst[0].payload.buffer).getUint32(0), ErrorCode.CANCEL);
    await rejectsWith(c.unary(METHOD, enc('x'), { signal: ac.signal }), Status.CANCELLED, /before the call started/);
});

test('leaving a for-await loop early cancels the stream', async () => {
    const c = client();
    const stream = c.serverStream('/paqet4j.demo.Echo/ServerStream', enc('go'));
    const [, server] = await opened();
    server.responseHeaders(1);
    server.data(1, grpcFrame(enc('1')));
    server.data(1, grpcFrame(enc('2')));
    for await (const m of stream) { assert.deepEqual(m, enc('1')); break; }
    await settle();
    assert.equal(server.of(FrameType.RST_STREAM, 1).length, 1);
});

test('deadline: grpc-timeout header, then DEADLINE_EXCEEDED and RST_STREAM when it passes', async () => {
    const c = client();
    // The deadline may pass before or after the socket opens (a loaded machine): either way the
    // outcome is the same, so the rejection is awaited from the start.
    const failed = rejectsWith(c.unary(METHOD, enc('x'), { timeoutMs: 30 }), Status.DEADLINE_EXCEEDED, /30 ms/);
    const [, server] = await opened();
    assert.deepEqual(server.of(FrameType.HEADERS, 1)[0].headers.find(([n]) => n === 'grpc-timeout'), ['grpc-timeout', '30m']);
    await failed;
    await settle();
    assert.equal(server.of(FrameType.RST_STREAM, 1).length, 1);
});

test('a response message above the receive limit fails RESOURCE_EXHAUSTED without buffering it', async () => {
    const c = client({ maxReceiveMessageBytes: 1000 });
    const reply = c.unary(METHOD, enc('x'));
    const [, server] = await opened();
    server.responseHeaders(1);
    server.data(1, grpcFrame(new Uint8Array(1001)).subarray(0, 50));
    await rejectsWith(reply, Status.RESOURCE_EXHAUSTED, /1001 bytes/);
});

test('the socket dying fails every pending call UNAVAILABLE, leaves no handler, and the next call reconnects', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const s = c.serverStream('/paqet4j.demo.Echo/ServerStream', enc('go'));
    const [ws] = await opened();
    ws.drop(1006);
    await rejectsWith(a, Status.UNAVAILABLE, /WebSocket/);
    await rejectsWith(s.next(), Status.UNAVAILABLE);
    assert.equal(ws.hasHandlers, false);
    assert.equal(c.connected, false);
    const b = c.unary(METHOD, enc('again'));
    const [ws2, server2] = await opened();
    assert.notEqual(ws2, ws);
    server2.responseHeaders(1);
    server2.data(1, grpcFrame(enc('back')));
    server2.trailers(1);
    assert.deepEqual(await b, enc('back'));
});

test('a socket that fails to connect fails the call UNAVAILABLE (error then close run the close path once)', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    await settle();
    const ws = latestSocket();
    ws.drop(1006);
    await rejectsWith(a, Status.UNAVAILABLE, /WebSocket error/);
    assert.equal(ws.sent.length, 0);
});

test('close(): GOAWAY, close code 1000, pending calls UNAVAILABLE, idempotent; the next call reconnects', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const [ws, server] = await opened();
    c.close();
    c.close();
    await rejectsWith(a, Status.UNAVAILABLE, /client was closed/);
    assert.equal(ws.closedWith, 1000);
    assert.equal(server.of(FrameType.GOAWAY).length, 1);
    assert.equal(ws.hasHandlers, false);
    c.unary(METHOD, enc('y')).catch(() => {});
    await settle();
    assert.equal(FakeWebSocket.instances.length, 2);
    c.close();
});

test('close() while the socket is still connecting closes it once it opens, without sending', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    await settle();
    const ws = latestSocket();
    c.close();
    await rejectsWith(a, Status.UNAVAILABLE);
    assert.equal(ws.closedWith, null);
    ws.readyState = 1;
    ws.onopen?.({});
    assert.equal(ws.closedWith, 1000);
    assert.equal(ws.sent.length, 0);
});

test('pagehide closes the connection through the same path', async () => {
    const target = new EventTarget();
    globalThis.addEventListener = target.addEventListener.bind(target);
    globalThis.removeEventListener = target.removeEventListener.bind(target);
    try {
        const c = client({ closeOnPageHide: true });
        const a = c.unary(METHOD, enc('x'));
        const [ws] = await opened();
        target.dispatchEvent(new Event('pagehide'));
        await rejectsWith(a, Status.UNAVAILABLE, /page/);
        assert.equal(ws.closedWith, 1000);
        ws.drop(1000); // the late close event finds no handler and changes nothing
    } finally {
        delete globalThis.addEventListener;
        delete globalThis.removeEventListener;
    }
});

test('GOAWAY: calls above the last stream fail UNAVAILABLE, the others finish, new calls use a new socket', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('a'));
    const b = c.unary(METHOD, enc('b'));
    const [ws, server] = await opened();
    server.goaway(1);
    await rejectsWith(b, Status.UNAVAILABLE, /GOAWAY/);
    const d = c.unary(METHOD, enc('d'));
    await settle();
    assert.equal(FakeWebSocket.instances.length, 2, 'a new call does not use a draining connection');
    server.responseHeaders(1);
    server.data(1, grpcFrame(enc('A')));
    server.trailers(1);
    assert.deepEqual(await a, enc('A'));
    assert.equal(ws.closedWith, 1000, 'the drained connection closes');
    latestSocket().open();
    await settle();
    const s2 = latestSocket().server;
    s2.responseHeaders(1); s2.data(1, grpcFrame(enc('D'))); s2.trailers(1);
    assert.deepEqual(await d, enc('D'));
});

test('MAX_CONCURRENT_STREAMS: calls beyond the limit wait for a free stream', async () => {
    const c = client();
    const [, server] = await (async () => { c.unary(METHOD, enc('0')).catch(() => {}); return opened(); })();
    server.settings([[Setting.MAX_CONCURRENT_STREAMS, 1]]);
    await settle();
    c.close();
    const c2 = client();
    const first = c2.unary(METHOD, enc('1'));
    const [, s] = await opened();
    s.settings([[Setting.MAX_CONCURRENT_STREAMS, 1]]);
    const second = c2.unary(METHOD, enc('2'));
    await settle();
    assert.equal(s.of(FrameType.HEADERS).length, 1);
    s.responseHeaders(1); s.data(1, grpcFrame(enc('r1'))); s.trailers(1);
    assert.deepEqual(await first, enc('r1'));
    await settle();
    assert.equal(s.of(FrameType.HEADERS, 3).length, 1);
    s.responseHeaders(3); s.data(3, grpcFrame(enc('r2'))); s.trailers(3);
    assert.deepEqual(await second, enc('r2'));
});

for (const [name, act, code, options] of [
    ['a frame above SETTINGS_MAX_FRAME_SIZE', (s) => s.data(1, new Uint8Array(16385)), ErrorCode.FRAME_SIZE_ERROR],
    ['PUSH_PROMISE', (s) => s.send(FrameType.PUSH_PROMISE, Flags.END_HEADERS, 1, new Uint8Array(4)), ErrorCode.PROTOCOL_ERROR],
    ['another frame inside a header block', (s) => { s.send(FrameType.HEADERS, 0, 1, Uint8Array.of(0x88)); s.send(FrameType.PING, 0, 0, new Uint8Array(8)); }, ErrorCode.PROTOCOL_ERROR],
    ['CONTINUATION without HEADERS', (s) => s.send(FrameType.CONTINUATION, Flags.END_HEADERS, 1, Uint8Array.of(0x88)), ErrorCode.PROTOCOL_ERROR],
    ['a bad HPACK block', (s) => s.send(FrameType.HEADERS, Flags.END_HEADERS, 1, Uint8Array.of(0x80)), ErrorCode.COMPRESSION_ERROR],
    ['DATA beyond the connection window', (s) => { for (let i = 0; i < 5; i++) s.data(1, new Uint8Array(16384)); }, ErrorCode.FLOW_CONTROL_ERROR,
        { streamWindowBytes: 1 << 20, connectionWindowBytes: 65535 }],
    ['SETTINGS_MAX_FRAME_SIZE below 16384', (s) => s.settings([[Setting.MAX_FRAME_SIZE, 100]]), ErrorCode.PROTOCOL_ERROR],
    ['a connection WINDOW_UPDATE that overflows', (s) => { s.windowUpdate(0, 0x7fffffff); }, ErrorCode.FLOW_CONTROL_ERROR],
]) {
    test(`connection error on ${name}: GOAWAY with the HTTP/2 code, pending calls INTERNAL, socket closed`, async () => {
        const c = client(options);
        const a = c.unary(METHOD, enc('x'));
        const [ws, server] = await opened();
        server.responseHeaders(1);
        act(server);
        await rejectsWith(a, Status.INTERNAL, /protocol error/);
        const goaway = server.of(FrameType.GOAWAY);
        assert.equal(goaway.length, 1);
        assert.equal(new DataView(goaway[0].payload.buffer).getUint32(4), code);
        assert.equal(ws.closedWith, 1000);
        assert.equal(ws.hasHandlers, false);
    });
}

test('a text WebSocket message ends the connection', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const [ws] = await opened();
    ws.deliverText('hello');
    await rejectsWith(a, Status.INTERNAL, /text message/);
    assert.equal(ws.closedWith, 1000);
});

test('bad arguments are refused before anything is sent', () => {
    const c = client();
    assert.throws(() => c.serverStream('Unary', enc('x')), TypeError);
    assert.throws(() => c.serverStream(METHOD, 'text'), TypeError);
    assert.throws(() => new GrpcWsClient('http://x/grpc', { WebSocket: FakeWebSocket }), TypeError);
    assert.equal(FakeWebSocket.instances.length, 0);
});

test('close() while the socket is already closing sends nothing (it would only log an error)', async () => {
    const c = client();
    const a = c.unary(METHOD, enc('x'));
    const [ws] = await opened();
    const sentBefore = ws.sent.length;
    ws.readyState = 2; // the server's close frame arrived; the close event has not fired yet
    c.close();
    await rejectsWith(a, Status.UNAVAILABLE);
    await settle();
    assert.equal(ws.sent.length, sentBefore);
});
