// grpcws.js: a dependency-free gRPC client for browsers that speaks HTTP/2 (h2c) over a
// WebSocket to a paqet4j grpcws bridge. Binary WebSocket messages are arbitrary chunks of the
// h2c byte stream in both directions; their boundaries mean nothing.
//
// Messages are Uint8Array in and out, so any protobuf runtime plugs in.
//
// Lifecycle guarantees:
// - One close path per connection, run once, whichever comes first: the socket's close or error
//   event, the caller's close(), the page's pagehide, a protocol error, or a GOAWAY that drained.
//   It fails every pending call with UNAVAILABLE, drops every buffer and removes every listener.
// - Inbound buffering is bounded by HTTP/2 flow control: a stream's window is only re-opened once
//   the application has taken its messages, so a slow reader slows the server instead of growing
//   memory. No byte of the h2 stream is ever dropped.
// - After the connection is gone, the next call opens a new one.

/** gRPC status codes. */
export const Status = Object.freeze({
    OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
    ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9,
    ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
    DATA_LOSS: 15, UNAUTHENTICATED: 16,
});

const STATUS_NAMES = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k]));

/** The name of a gRPC status code, e.g. "UNAVAILABLE". */
export function statusName(code) {
    return STATUS_NAMES[code] ?? `CODE_${code}`;
}

/** A call that ended with a status other than OK. */
export class GrpcError extends Error {
    constructor(code, grpcMessage, trailers = []) {
        super(`${statusName(code)}: ${grpcMessage}`);
        this.name = 'GrpcError';
        this.code = code;
        this.grpcMessage = grpcMessage;
        this.trailers = trailers;
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes and strings. Header names and values are octets; they map one to one onto latin-1
// characters so nothing is lost in either direction.

function latin1(bytes, start = 0, end = bytes.length) {
    let s = '';
    for (let i = start; i < end; i += 4096) {
        s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)));
    }
    return s;
}

function latin1Bytes(s) {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) throw new TypeError(`header text has a character above 0xff at ${i}: ${JSON.stringify(s)}`);
        out[i] = c;
    }
    return out;
}

function concat(chunks, total) {
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
    return out;
}

/** Decodes a grpc-message value: percent-encoded UTF-8; malformed escapes are kept as written. */
export function percentDecode(s) {
    if (!s.includes('%')) return s;
    const bytes = [];
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x25 && i + 2 < s.length && /^[0-9a-fA-F]{2}$/.test(s.substr(i + 1, 2))) {
            bytes.push(parseInt(s.substr(i + 1, 2), 16));
            i += 2;
        } else {
            bytes.push(c & 0xff);
        }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
}

// ---------------------------------------------------------------------------------------------
// HPACK (RFC 7541)

export class HpackError extends Error {
    constructor(message) { super(message); this.name = 'HpackError'; }
}

const STATIC_TABLE = [
    [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'],
    [':path', '/index.html'], [':scheme', 'http'], [':scheme', 'https'], [':status', '200'],
    [':status', '204'], [':status', '206'], [':status', '304'], [':status', '400'],
    [':status', '404'], [':status', '500'], ['accept-charset', ''],
    ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''],
    ['accept', ''], ['access-control-allow-origin', ''], ['age', ''], ['allow', ''],
    ['authorization', ''], ['cache-control', ''], ['content-disposition', ''],
    ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
    ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''],
    ['date', ''], ['etag', ''], ['expect', ''], ['expires', ''], ['from', ''], ['host', ''],
    ['if-match', ''], ['if-modified-since', ''], ['if-none-match', ''], ['if-range', ''],
    ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''], ['location', ''],
    ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
    ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
    ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''],
    ['via', ''], ['www-authenticate', ''],
];

const STATIC_NAME_INDEX = new Map();
STATIC_TABLE.forEach(([name], i) => { if (!STATIC_NAME_INDEX.has(name)) STATIC_NAME_INDEX.set(name, i + 1); });

// Code lengths of the HPACK Huffman code (RFC 7541 Appendix B) for symbols 0..256 (256 = EOS).
// The code is canonical, so the codes themselves follow from the lengths.
const HUFFMAN_LENGTHS = [
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5,
    6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6,
    7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23,
    23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, 22, 21, 20, 22,
    22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22,
    23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27,
    27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25,
    24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
];
const EOS = 256;

// Canonical codes, and a binary decoding tree: node n has children tree[2n] and tree[2n+1];
// a child >= 0 is another node, a child < 0 is the leaf of symbol -(child + 1).
const HUFFMAN_CODES = new Array(257);
const HUFFMAN_TREE = (() => {
    const order = [...HUFFMAN_LENGTHS.keys()].sort((a, b) => HUFFMAN_LENGTHS[a] - HUFFMAN_LENGTHS[b] || a - b);
    let code = 0;
    let prev = HUFFMAN_LENGTHS[order[0]];
    order.forEach((sym, i) => {
        const len = HUFFMAN_LENGTHS[sym];
        if (i > 0) code = (code + 1) * 2 ** (len - prev);
        prev = len;
        HUFFMAN_CODES[sym] = code;
    });
    const tree = [0, 0];
    let nodes = 1;
    for (let sym = 0; sym <= EOS; sym++) {
        let node = 0;
        const len = HUFFMAN_LENGTHS[sym];
        for (let b = len - 1; b >= 0; b--) {
            const bit = Math.floor(HUFFMAN_CODES[sym] / 2 ** b) & 1;
            const slot = 2 * node + bit;
            if (b === 0) {
                tree[slot] = -(sym + 1);
            } else {
                if (!tree[slot]) { tree[slot] = nodes++; tree.push(0, 0); }
                node = tree[slot];
            }
        }
    }
    return Int32Array.from(tree);
})();

/** Decodes a Huffman-coded HPACK string literal into its octets. */
export function huffmanDecode(bytes) {
    const out = [];
    let node = 0;
    let bitsSinceSymbol = 0;
    let paddingOnes = true;
    for (const byte of bytes) {
        for (let b = 7; b >= 0; b--) {
            const bit = (byte >> b) & 1;
            const next = HUFFMAN_TREE[2 * node + bit];
            bitsSinceSymbol++;
            if (bit === 0) paddingOnes = false;
            if (next < 0) {
                const sym = -(next + 1);
                if (sym === EOS) throw new HpackError('Huffman string contains EOS');
                out.push(sym);
                node = 0;
                bitsSinceSymbol = 0;
                paddingOnes = true;
            } else {
                node = next;
            }
        }
    }
    if (bitsSinceSymbol > 7) throw new HpackError(`Huffman padding of ${bitsSinceSymbol} bits (at most 7)`);
    if (!paddingOnes) throw new HpackError('Huffman padding is not a prefix of EOS');
    return Uint8Array.from(out);
}

/** Huffman-codes octets as an HPACK string literal body. */
export function huffmanEncode(bytes) {
    const out = [];
    let acc = 0;
    let bits = 0;
    for (const byte of bytes) {
        const len = HUFFMAN_LENGTHS[byte];
        const code = HUFFMAN_CODES[byte];
        for (let b = len - 1; b >= 0; b--) {
            acc = (acc << 1) | (Math.floor(code / 2 ** b) & 1);
            if (++bits === 8) { out.push(acc); acc = 0; bits = 0; }
        }
    }
    if (bits > 0) out.push(((acc << (8 - bits)) | (0xff >> bits)) & 0xff);
    return Uint8Array.from(out);
}

function huffmanLength(bytes) {
    let bits = 0;
    for (const byte of bytes) bits += HUFFMAN_LENGTHS[byte];
    return Math.ceil(bits / 8);
}

function encodeInt(out, value, prefixBits, firstByteFlags) {
    const max = (1 << prefixBits) - 1;
    if (value < max) { out.push(firstByteFlags | value); return; }
    out.push(firstByteFlags | max);
    value -= max;
    while (value >= 128) { out.push((value % 128) | 0x80); value = Math.floor(value / 128); }
    out.push(value);
}

const ENTRY_OVERHEAD = 32;

/**
 * HPACK decoder with its dynamic table. One per connection; every header block of the connection
 * must go through it in order, including those of streams the client no longer tracks.
 */
export class HpackDecoder {
    #entries = []; // newest first: #entries[0] is index 62
    #size = 0;
    #maxSize;
    #settingsMaxSize;
    #maxHeaderListSize;

    constructor(settingsMaxSize = 4096, maxHeaderListSize = 64 * 1024) {
        this.#settingsMaxSize = settingsMaxSize;
        this.#maxSize = settingsMaxSize;
        this.#maxHeaderListSize = maxHeaderListSize;
    }

    /** The dynamic table, newest first, as [name, value] pairs (for tests and diagnostics). */
    get dynamicTable() { return this.#entries.map(e => [e[0], e[1]]); }
    get dynamicTableSize() { return this.#size; }

    /** Decodes one complete header block into [name, value] pairs. */
    decode(block) {
        const headers = [];
        let listSize = 0;
        let p = 0;
        let fieldSeen = false;
        const int = (prefixBits) => {
            const max = (1 << prefixBits) - 1;
            let v = block[p++] & max;
            if (v < max) return v;
            let shift = 0;
            for (;;) {
                if (p >= block.length) throw new HpackError('integer runs past the end of the block');
                const b = block[p++];
                v += (b & 0x7f) * 2 ** shift;
                shift += 7;
                if (v > 0x7fffffff) throw new HpackError('integer above 2^31-1');
                if ((b & 0x80) === 0) return v;
            }
        };
        const str = () => {
            if (p >= block.length) throw new HpackError('string literal missing');
            const huffman = (block[p] & 0x80) !== 0;
            const len = int(7);
            if (len > block.length - p) throw new HpackError(`string literal of ${len} bytes, ${block.length - p} left`);
            const raw = block.subarray(p, p + len);
            p += len;
            return latin1(huffman ? huffmanDecode(raw) : raw);
        };
        const entry = (index) => {
            if (index === 0) throw new HpackError('index 0');
            if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1];
            const e = this.#entries[index - STATIC_TABLE.length - 1];
            if (!e) throw new HpackError(`index ${index} beyond the dynamic table (${this.#entries.length} entries)`);
            return e;
        };
        const emit = (name, value) => {
            fieldSeen = true;
            listSize += name.length + value.length + ENTRY_OVERHEAD;
            if (listSize > this.#maxHeaderListSize) {
                throw new HpackError(`header list above ${this.#maxHeaderListSize} bytes`);
            }
            headers.push([name, value]);
        };
        while (p < block.length) {
            const b = block[p];
            if (b & 0x80) {
                const [name, value] = entry(int(7));
                emit(name, value);
            } else if ((b & 0xc0) === 0x40) {
                const index = int(6);
                const name = index ? entry(index)[0] : str();
                const value = str();
                this.#add(name, value);
                emit(name, value);
            } else if ((b & 0xe0) === 0x20) {
                if (fieldSeen) throw new HpackError('dynamic table size update after a header field');
                const size = int(5);
                if (size > this.#settingsMaxSize) {
                    throw new HpackError(`dynamic table size update to ${size}, above the limit ${this.#settingsMaxSize}`);
                }
                this.#maxSize = size;
                this.#evict(0);
            } else {
                const index = int(4); // without indexing (0000) or never indexed (0001)
                const name = index ? entry(index)[0] : str();
                emit(name, str());
            }
        }
        return headers;
    }

    #add(name, value) {
        const size = name.length + value.length + ENTRY_OVERHEAD;
        if (size > this.#maxSize) { this.#entries = []; this.#size = 0; return; }
        this.#evict(size);
        this.#entries.unshift([name, value, size]);
        this.#size += size;
    }

    #evict(room) {
        while (this.#size + room > this.#maxSize && this.#entries.length) {
            this.#size -= this.#entries.pop()[2];
        }
    }
}

/**
 * HPACK encoder that never touches the dynamic table: every field is a literal without indexing,
 * with the name indexed from the static table where it is there, and Huffman coding when shorter.
 * It needs no state, so the peer's SETTINGS_HEADER_TABLE_SIZE never matters.
 */
export class HpackEncoder {
    encode(headers) {
        const out = [];
        for (const [name, value] of headers) {
            const index = STATIC_NAME_INDEX.get(name);
            if (index) {
                encodeInt(out, index, 4, 0x00);
            } else {
                out.push(0x00);
                this.#string(out, latin1Bytes(name));
            }
            this.#string(out, latin1Bytes(value));
        }
        return Uint8Array.from(out);
    }

    #string(out, bytes) {
        const hlen = huffmanLength(bytes);
        if (hlen < bytes.length) {
            encodeInt(out, hlen, 7, 0x80);
            for (const b of huffmanEncode(bytes)) out.push(b);
        } else {
            encodeInt(out, bytes.length, 7, 0x00);
            for (const b of bytes) out.push(b);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP/2 framing (RFC 9113)

export const FrameType = Object.freeze({
    DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6,
    GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9,
});

export const Flags = Object.freeze({ END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 });

export const ErrorCode = Object.freeze({
    NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3, SETTINGS_TIMEOUT: 4,
    STREAM_CLOSED: 5, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, CANCEL: 8, COMPRESSION_ERROR: 9,
    CONNECT_ERROR: 10, ENHANCE_YOUR_CALM: 11, INADEQUATE_SECURITY: 12, HTTP_1_1_REQUIRED: 13,
});

export const Setting = Object.freeze({
    HEADER_TABLE_SIZE: 1, ENABLE_PUSH: 2, MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4,
    MAX_FRAME_SIZE: 5, MAX_HEADER_LIST_SIZE: 6,
});

export const PREFACE = latin1Bytes('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

const MAX_WINDOW = 0x7fffffff;
const DEFAULT_MAX_FRAME = 16384;

/** One frame: the 9-byte header followed by the payload. */
export function encodeFrame(type, flags, streamId, payload = new Uint8Array(0)) {
    const f = new Uint8Array(9 + payload.length);
    const v = new DataView(f.buffer);
    v.setUint32(0, payload.length << 8);
    f[3] = type;
    f[4] = flags;
    v.setUint32(5, streamId & 0x7fffffff);
    f.set(payload, 9);
    return f;
}

function u32(...values) {
    const b = new Uint8Array(4 * values.length);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setUint32(4 * i, x >>> 0));
    return b;
}

/** A connection-level HTTP/2 error: ends the whole connection with GOAWAY. */
class ConnectionError extends Error {
    constructor(h2code, message) { super(message); this.h2code = h2code; }
}

const HTTP_TO_GRPC = new Map([[400, Status.INTERNAL], [401, Status.UNAUTHENTICATED],
    [403, Status.PERMISSION_DENIED], [404, Status.UNIMPLEMENTED], [429, Status.UNAVAILABLE],
    [502, Status.UNAVAILABLE], [503, Status.UNAVAILABLE], [504, Status.UNAVAILABLE]]);

const RST_TO_GRPC = new Map([[ErrorCode.CANCEL, Status.CANCELLED], [ErrorCode.REFUSED_STREAM, Status.UNAVAILABLE],
    [ErrorCode.ENHANCE_YOUR_CALM, Status.RESOURCE_EXHAUSTED], [ErrorCode.INADEQUATE_SECURITY, Status.PERMISSION_DENIED]]);

/** The grpc-timeout header value for a timeout: at most 8 digits, so large ones use seconds. */
export function grpcTimeout(ms) {
    const m = Math.max(1, Math.ceil(ms));
    return m <= 99999999 ? `${m}m` : `${Math.min(99999999, Math.ceil(m / 1000))}S`;
}

// ---------------------------------------------------------------------------------------------
// One gRPC call on one HTTP/2 stream.

class Call {
    id = 0;
    sendWindow;
    recvWindow;
    uncredited = 0;        // bytes received but not yet handed back to the peer as window
    queuedBytes = 0;       // bytes of complete messages waiting for the application
    outQueue = [];         // framed request bytes not yet sent as DATA
    outBytes = 0;
    endStreamPending = false;
    localEnded = false;
    finished = null;       // {code, message, trailers} once the call is over
    headers = null;
    #messages = [];
    #head = 0;
    #waiter = null;
    #drainWaiters = [];
    #prefix = new Uint8Array(5);
    #prefixFill = 0;
    #body = null;
    #bodyFill = 0;
    #conn;
    #opts;
    #cleanup = [];

    constructor(conn, method, opts) {
        this.#conn = conn;
        this.method = method;
        this.#opts = opts;
        const { signal, timeoutMs } = opts;
        if (signal) {
            const onAbort = () => this.cancel(Status.CANCELLED, `cancelled by the caller${signal.reason ? ': ' + signal.reason : ''}`);
            signal.addEventListener('abort', onAbort, { once: true });
            this.#cleanup.push(() => signal.removeEventListener('abort', onAbort));
        }
        if (timeoutMs !== undefined) {
            const t = setTimeout(() => this.cancel(Status.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded`), timeoutMs);
            this.#cleanup.push(() => clearTimeout(t));
        }
    }

    /** Frames one request message and queues it; resolves when the queue is short again. */
    send(message) {
        if (this.finished || this.localEnded) return Promise.resolve();
        checkMessage(this.method, message);
        const framed = new Uint8Array(5 + message.length);
        new DataView(framed.buffer).setUint32(1, message.length);
        framed.set(message, 5);
        this.outQueue.push(framed);
        this.outBytes += framed.length;
        this.#conn.flush(this);
        if (this.outBytes <= this.#conn.outHighWater || this.finished) return Promise.resolve();
        return new Promise(resolve => this.#drainWaiters.push(resolve));
    }

    halfClose() {
        if (this.finished || this.localEnded) return;
        this.endStreamPending = true;
        this.#conn.flush(this);
    }

    /** Called by the connection after it sent queued bytes. */
    drained() {
        if (this.outBytes <= this.#conn.outHighWater) {
            const w = this.#drainWaiters;
            this.#drainWaiters = [];
            w.forEach(r => r());
        }
    }

    /** Ends the call locally with a status and tells the server (RST_STREAM CANCEL). */
    cancel(code, message) {
        if (this.finished) return;
        this.#conn.reset(this, ErrorCode.CANCEL);
        this.finish(code, message);
    }

    onHeaders(fields, endStream) {
        if (this.finished) return;
        if (!this.headers) {
            this.headers = fields;
            const status = Number(header(fields, ':status'));
            if (status !== 200) {
                const code = HTTP_TO_GRPC.get(status) ?? Status.UNKNOWN;
                this.#conn.reset(this, ErrorCode.CANCEL);
                return this.finish(code, `HTTP status ${header(fields, ':status')} from the server`, fields);
            }
            const type = header(fields, 'content-type') ?? '';
            if (!type.startsWith('application/grpc')) {
                this.#conn.reset(this, ErrorCode.CANCEL);
                return this.finish(Status.UNKNOWN, `response content-type is ${JSON.stringify(type)}, not application/grpc`, fields);
            }
            this.#opts.onHeaders?.(fields);
            if (endStream) this.#trailers(fields); // trailers-only response
            return;
        }
        if (!endStream) {
            this.#conn.reset(this, ErrorCode.PROTOCOL_ERROR);
            return this.finish(Status.INTERNAL, 'a second HEADERS frame without END_STREAM');
        }
        this.#trailers(fields);
    }

    #trailers(fields) {
        this.#opts.onTrailers?.(fields);
        const raw = header(fields, 'grpc-status');
        const code = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
        if (code === undefined) {
            return this.finish(Status.INTERNAL, `missing or invalid grpc-status in the trailers: ${JSON.stringify(raw)}`, fields);
        }
        if (this.#prefixFill || this.#body) {
            return this.finish(Status.INTERNAL, 'the stream ended inside a message', fields);
        }
        this.remoteEnded();
        this.finish(code, percentDecode(header(fields, 'grpc-message') ?? ''), fields);
    }

    remoteEnded() {
        // The server is done while the request side is still open: tell it we stop too.
        if (!this.localEnded) this.#conn.reset(this, ErrorCode.CANCEL);
    }

    /** Bytes of one DATA frame's content (padding already removed). */
    onData(bytes) {
        if (this.finished) return;
        if (!this.headers) {
            this.#conn.reset(this, ErrorCode.PROTOCOL_ERROR);
            return this.finish(Status.INTERNAL, 'DATA before the response headers');
        }
        let p = 0;
        while (p < bytes.length) {
            if (!this.#body) {
                const n = Math.min(5 - this.#prefixFill, bytes.length - p);
                this.#prefix.set(bytes.subarray(p, p + n), this.#prefixFill);
                this.#prefixFill += n;
                p += n;
                if (this.#prefixFill < 5) break;
                const flag = this.#prefix[0];
                const len = new DataView(this.#prefix.buffer).getUint32(1);
                if (flag !== 0) {
                    return this.cancel(Status.INTERNAL, `compressed or malformed message (flag ${flag}); no compression was negotiated`);
                }
                if (len > this.#conn.maxReceiveMessageBytes) {
                    return this.cancel(Status.RESOURCE_EXHAUSTED, `response message of ${len} bytes, above the limit of ${this.#conn.maxReceiveMessageBytes}`);
                }
                this.#prefixFill = 0;
                this.#body = new Uint8Array(len);
                this.#bodyFill = 0;
            }
            const n = Math.min(this.#body.length - this.#bodyFill, bytes.length - p);
            this.#body.set(bytes.subarray(p, p + n), this.#bodyFill);
            this.#bodyFill += n;
            p += n;
            if (this.#bodyFill === this.#body.length) {
                const m = this.#body;
                this.#body = null;
                this.#deliver(m);
            }
        }
    }

    #deliver(message) {
        this.queuedBytes += message.length + 5;
        if (this.#waiter) {
            const w = this.#waiter;
            this.#waiter = null;
            this.queuedBytes -= message.length + 5;
            w.resolve({ value: message, done: false });
        } else {
            this.#messages.push(message);
        }
    }

    /** The next response message; done when the call ended OK; throws GrpcError otherwise. */
    next() {
        if (this.#head < this.#messages.length) {
            const m = this.#messages[this.#head];
            this.#messages[this.#head++] = undefined;
            if (this.#head > 64 && this.#head * 2 > this.#messages.length) {
                this.#messages = this.#messages.slice(this.#head);
                this.#head = 0;
            }
            this.queuedBytes -= m.length + 5;
            this.#conn.credit(this);
            return Promise.resolve({ value: m, done: false });
        }
        if (this.finished) {
            const f = this.finished;
            if (f.code === Status.OK) return Promise.resolve({ value: undefined, done: true });
            return Promise.reject(new GrpcError(f.code, f.message, f.trailers));
        }
        this.#conn.credit(this);
        return new Promise((resolve, reject) => { this.#waiter = { resolve, reject }; });
    }

    /** The one place a call ends. */
    finish(code, message, trailers = []) {
        if (this.finished) return;
        this.finished = { code, message, trailers };
        this.#cleanup.forEach(f => f());
        this.#cleanup = [];
        this.outQueue = [];
        this.outBytes = 0;
        if (code !== Status.OK) { this.#messages = []; this.#head = 0; this.queuedBytes = 0; }
        this.#body = null;
        const d = this.#drainWaiters;
        this.#drainWaiters = [];
        d.forEach(r => r());
        this.#conn.release(this);
        if (this.#waiter) {
            const w = this.#waiter;
            this.#waiter = null;
            if (code === Status.OK) w.resolve({ value: undefined, done: true });
            else w.reject(new GrpcError(code, message, trailers));
        }
    }
}

function header(fields, name) {
    for (const [n, v] of fields) if (n === name) return v;
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// One WebSocket carrying one HTTP/2 connection.

class Connection {
    #ws;
    #client;
    #url;
    #decoder = new HpackDecoder();
    #encoder = new HpackEncoder();
    #calls = new Map();
    #waitingForSlot = [];
    #nextStreamId = 1;
    #leftover = null;
    #out = [];
    #outScheduled = false;
    #opened = false;
    #continuation = null;
    #goawayLastId = -1;
    #peer = { initialWindow: 65535, maxFrame: DEFAULT_MAX_FRAME, maxStreams: Infinity };
    #sendWindow = 65535;
    #recvWindow;
    #connUncredited = 0;
    #blocked = new Set();
    #onPageHide = null;
    closed = false;

    constructor(client, url, options) {
        this.#client = client;
        this.#url = url;
        this.streamWindow = options.streamWindowBytes;
        this.connectionWindow = options.connectionWindowBytes;
        this.maxReceiveMessageBytes = options.maxReceiveMessageBytes;
        this.outHighWater = options.outboundHighWaterBytes;
        this.#recvWindow = this.connectionWindow;
        const ws = new options.WebSocket(url);
        this.#ws = ws;
        ws.binaryType = 'arraybuffer';
        ws.onopen = () => { this.#opened = true; this.#flushOut(); };
        ws.onmessage = (ev) => this.#onMessage(ev.data);
        ws.onerror = () => this.shutdown(Status.UNAVAILABLE, `WebSocket error on ${url}`);
        ws.onclose = (ev) => this.shutdown(Status.UNAVAILABLE,
            `WebSocket to ${url} closed (code ${ev.code}${ev.reason ? ', ' + ev.reason : ''})`);
        if (typeof globalThis.addEventListener === 'function' && options.closeOnPageHide) {
            this.#onPageHide = () => this.shutdown(Status.UNAVAILABLE, 'the page is being hidden or unloaded', true);
            globalThis.addEventListener('pagehide', this.#onPageHide);
        }
        // The client speaks first: preface, SETTINGS, then a larger connection window.
        this.#write(PREFACE);
        const settings = [
            [Setting.ENABLE_PUSH, 0],
            [Setting.INITIAL_WINDOW_SIZE, this.streamWindow],
            [Setting.MAX_HEADER_LIST_SIZE, 64 * 1024],
        ];
        const s = new Uint8Array(6 * settings.length);
        const v = new DataView(s.buffer);
        settings.forEach(([id, val], i) => { v.setUint16(6 * i, id); v.setUint32(6 * i + 2, val); });
        this.#write(encodeFrame(FrameType.SETTINGS, 0, 0, s));
        if (this.connectionWindow > 65535) {
            this.#write(encodeFrame(FrameType.WINDOW_UPDATE, 0, 0, u32(this.connectionWindow - 65535)));
        }
    }

    /** Whether a new call may use this connection. */
    get usable() {
        return !this.closed && this.#goawayLastId < 0 && this.#nextStreamId < MAX_WINDOW - 2;
    }

    get activeCalls() { return this.#calls.size; }

    /** Starts a call: sends its HEADERS now, or once the server's stream limit allows. */
    start(call, headers) {
        if (this.#calls.size >= this.#peer.maxStreams) {
            this.#waitingForSlot.push([call, headers]);
            return;
        }
        call.id = this.#nextStreamId;
        this.#nextStreamId += 2;
        call.sendWindow = this.#peer.initialWindow;
        call.recvWindow = this.streamWindow;
        this.#calls.set(call.id, call);
        const block = this.#encoder.encode(headers);
        const max = this.#peer.maxFrame;
        let off = 0;
        let first = true;
        do {
            const part = block.subarray(off, off + max);
            off += part.length;
            const last = off >= block.length;
            this.#write(encodeFrame(first ? FrameType.HEADERS : FrameType.CONTINUATION,
                last ? Flags.END_HEADERS : 0, call.id, part));
            first = false;
        } while (off < block.length);
        this.flush(call);
    }

    /** Sends a call's queued request bytes as far as both flow-control windows allow. */
    flush(call) {
        if (!call.id || call.finished || this.closed) return;
        while (call.outQueue.length) {
            const n = Math.min(call.sendWindow, this.#sendWindow, this.#peer.maxFrame, call.outQueue[0].length);
            if (n <= 0) { this.#blocked.add(call); break; }
            const chunk = call.outQueue[0];
            const endHere = n === chunk.length && call.outQueue.length === 1 && call.endStreamPending;
            this.#write(encodeFrame(FrameType.DATA, endHere ? Flags.END_STREAM : 0, call.id, chunk.subarray(0, n)));
            if (endHere) call.localEnded = true;
            if (n === chunk.length) call.outQueue.shift(); else call.outQueue[0] = chunk.subarray(n);
            call.sendWindow -= n;
            this.#sendWindow -= n;
            call.outBytes -= n;
        }
        if (!call.outQueue.length) {
            this.#blocked.delete(call);
            if (call.endStreamPending && !call.localEnded) {
                this.#write(encodeFrame(FrameType.DATA, Flags.END_STREAM, call.id));
                call.localEnded = true;
            }
        }
        call.drained();
    }

    /** Gives the server back window for what the application has consumed. */
    credit(call) {
        if (this.closed || !call.id || call.finished) return;
        if (call.queuedBytes >= this.streamWindow) return; // the reader is behind: hold the window
        if (call.uncredited >= this.streamWindow / 4) {
            const n = call.uncredited;
            call.uncredited = 0;
            call.recvWindow += n;
            this.#write(encodeFrame(FrameType.WINDOW_UPDATE, 0, call.id, u32(n)));
            this.#creditConnection(n);
        }
    }

    #creditConnection(n) {
        this.#connUncredited += n;
        if (this.#connUncredited >= this.connectionWindow / 4) {
            this.#recvWindow += this.#connUncredited;
            this.#write(encodeFrame(FrameType.WINDOW_UPDATE, 0, 0, u32(this.#connUncredited)));
            this.#connUncredited = 0;
        }
    }

    reset(call, code) {
        if (this.closed || !call.id || call.finished) return;
        this.#write(encodeFrame(FrameType.RST_STREAM, 0, call.id, u32(code)));
    }

    /** Called once by a call that finished: forget it, return its window, admit a waiting call. */
    release(call) {
        if (!call.id) {
            this.#waitingForSlot = this.#waitingForSlot.filter(([c]) => c !== call);
            return;
        }
        if (this.#calls.get(call.id) !== call) return;
        this.#calls.delete(call.id);
        this.#blocked.delete(call);
        if (!this.closed) this.#creditConnection(call.uncredited);
        call.uncredited = 0;
        while (this.#waitingForSlot.length && this.#calls.size < this.#peer.maxStreams && !this.closed) {
            const [c, h] = this.#waitingForSlot.shift();
            if (!c.finished) this.start(c, h);
        }
        if (this.#goawayLastId >= 0 && this.#calls.size === 0) {
            this.shutdown(Status.UNAVAILABLE, 'the server sent GOAWAY and every call on the connection ended', true);
        }
    }

    #write(bytes) {
        this.#out.push(bytes);
        if (!this.#outScheduled) {
            this.#outScheduled = true;
            queueMicrotask(() => this.#flushOut());
        }
    }

    // Everything written in one turn of the event loop goes out as one WebSocket message.
    #flushOut() {
        this.#outScheduled = false;
        // Sending on a closing socket would only log a console error; the close event follows.
        if (this.closed || !this.#opened || !this.#out.length || this.#ws.readyState !== 1) return;
        let total = 0;
        for (const b of this.#out) total += b.length;
        const msg = this.#out.length === 1 ? this.#out[0] : concat(this.#out, total);
        this.#out = [];
        this.#ws.send(msg);
    }

    #onMessage(data) {
        if (this.closed) return;
        if (typeof data === 'string') {
            return this.shutdown(Status.INTERNAL, 'the bridge sent a text message; the h2 stream is binary');
        }
        let bytes = new Uint8Array(data);
        if (this.#leftover) {
            bytes = concat([this.#leftover, bytes], this.#leftover.length + bytes.length);
            this.#leftover = null;
        }
        try {
            let p = 0;
            while (bytes.length - p >= 9) {
                const len = (bytes[p] << 16) | (bytes[p + 1] << 8) | bytes[p + 2];
                if (len > DEFAULT_MAX_FRAME) {
                    throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${len} bytes, above SETTINGS_MAX_FRAME_SIZE ${DEFAULT_MAX_FRAME}`);
                }
                if (bytes.length - p < 9 + len) break;
                const type = bytes[p + 3];
                const flags = bytes[p + 4];
                const sid = ((bytes[p + 5] & 0x7f) << 24 | bytes[p + 6] << 16 | bytes[p + 7] << 8 | bytes[p + 8]) >>> 0;
                this.#onFrame(type, flags, sid, bytes.subarray(p + 9, p + 9 + len));
                p += 9 + len;
                if (this.closed) return;
            }
            if (p < bytes.length) this.#leftover = bytes.slice(p); // at most one partial frame
        } catch (e) {
            if (e instanceof ConnectionError) return this.#connectionError(e.h2code, e.message);
            if (e instanceof HpackError) return this.#connectionError(ErrorCode.COMPRESSION_ERROR, `HPACK: ${e.message}`);
            // Anything else (a caller's onHeaders throwing, say) still ends through the close path.
            return this.#connectionError(ErrorCode.INTERNAL_ERROR, `client failure while reading: ${e?.message ?? e}`);
        }
    }

    #connectionError(h2code, message) {
        if (this.closed) return;
        const debug = latin1Bytes(message.replace(/[^\x20-\x7e]/g, '?').slice(0, 200));
        const payload = new Uint8Array(8 + debug.length);
        payload.set(u32(0, h2code)); // the server opens no streams, so the last one is 0
        payload.set(debug, 8);
        this.#write(encodeFrame(FrameType.GOAWAY, 0, 0, payload));
        this.#flushOut();
        this.shutdown(Status.INTERNAL, `HTTP/2 protocol error from the bridge: ${message}`);
    }

    #onFrame(type, flags, sid, p) {
        if (this.#continuation && type !== FrameType.CONTINUATION) {
            throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `frame type ${type} inside a header block of stream ${this.#continuation.sid}`);
        }
        switch (type) {
            case FrameType.DATA: return this.#onDataFrame(flags, sid, p);
            case FrameType.HEADERS: {
                if (sid === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS on stream 0');
                let start = 0;
                let end = p.length;
                if (flags & Flags.PADDED) {
                    if (p.length < 1) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'padded HEADERS without a pad length');
                    start = 1;
                    end -= p[0];
                }
                if (flags & Flags.PRIORITY) start += 5;
                if (end < start) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS padding or priority longer than the frame on stream ${sid}`);
                this.#continuation = { sid, endStream: (flags & Flags.END_STREAM) !== 0, chunks: [p.slice(start, end)], size: end - start };
                if (flags & Flags.END_HEADERS) this.#endHeaderBlock();
                return;
            }
            case FrameType.CONTINUATION: {
                const c = this.#continuation;
                if (!c || c.sid !== sid) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `CONTINUATION on stream ${sid} without a header block in progress`);
                c.chunks.push(p.slice());
                c.size += p.length;
                if (c.size > 256 * 1024) throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, `header block above 256 KiB on stream ${sid}`);
                if (flags & Flags.END_HEADERS) this.#endHeaderBlock();
                return;
            }
            case FrameType.PRIORITY:
                if (p.length !== 5) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `PRIORITY of ${p.length} bytes`);
                return;
            case FrameType.RST_STREAM: {
                if (p.length !== 4) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `RST_STREAM of ${p.length} bytes`);
                if (sid === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
                const code = new DataView(p.buffer, p.byteOffset).getUint32(0);
                const call = this.#calls.get(sid);
                // After GOAWAY a reset means the server is going away, which callers retry like a
                // lost connection.
                const status = this.#goawayLastId >= 0 ? Status.UNAVAILABLE : RST_TO_GRPC.get(code) ?? Status.INTERNAL;
                call?.finish(status, `the server reset the stream (HTTP/2 error ${code})`);
                return;
            }
            case FrameType.SETTINGS: return this.#onSettings(flags, sid, p);
            case FrameType.PUSH_PROMISE:
                throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0');
            case FrameType.PING:
                if (p.length !== 8) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `PING of ${p.length} bytes`);
                if (sid !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `PING on stream ${sid}`);
                if (!(flags & Flags.ACK)) this.#write(encodeFrame(FrameType.PING, Flags.ACK, 0, p.slice()));
                return;
            case FrameType.GOAWAY: {
                if (p.length < 8) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `GOAWAY of ${p.length} bytes`);
                const v = new DataView(p.buffer, p.byteOffset);
                const lastId = v.getUint32(0) & 0x7fffffff;
                const code = v.getUint32(4);
                this.#goawayLastId = this.#goawayLastId < 0 ? lastId : Math.min(lastId, this.#goawayLastId);
                const why = `the server sent GOAWAY (HTTP/2 error ${code}${p.length > 8 ? ': ' + latin1(p, 8) : ''})`;
                for (const call of [...this.#calls.values()]) {
                    if (call.id > this.#goawayLastId) call.finish(Status.UNAVAILABLE, `${why} before handling the call`);
                }
                for (const [call] of this.#waitingForSlot.splice(0)) call.finish(Status.UNAVAILABLE, why);
                if (this.#calls.size === 0) this.shutdown(Status.UNAVAILABLE, why, true);
                return;
            }
            case FrameType.WINDOW_UPDATE: {
                if (p.length !== 4) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `WINDOW_UPDATE of ${p.length} bytes`);
                const inc = new DataView(p.buffer, p.byteOffset).getUint32(0) & 0x7fffffff;
                if (sid === 0) {
                    if (inc === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'connection WINDOW_UPDATE of 0');
                    this.#sendWindow += inc;
                    if (this.#sendWindow > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `connection send window above 2^31-1`);
                    for (const call of [...this.#blocked]) this.flush(call);
                    return;
                }
                const call = this.#calls.get(sid);
                if (!call) return;
                if (inc === 0) { this.reset(call, ErrorCode.PROTOCOL_ERROR); return call.finish(Status.INTERNAL, 'stream WINDOW_UPDATE of 0'); }
                call.sendWindow += inc;
                if (call.sendWindow > MAX_WINDOW) { this.reset(call, ErrorCode.FLOW_CONTROL_ERROR); return call.finish(Status.INTERNAL, 'stream send window above 2^31-1'); }
                this.flush(call);
                return;
            }
            default:
                return; // unknown frame types are ignored
        }
    }

    #onDataFrame(flags, sid, p) {
        if (sid === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on stream 0');
        this.#recvWindow -= p.length;
        if (this.#recvWindow < 0) {
            throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `the server overran the connection window by ${-this.#recvWindow} bytes`);
        }
        let start = 0;
        let end = p.length;
        if (flags & Flags.PADDED) {
            if (p.length < 1 || p[0] >= p.length) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `DATA padding longer than the frame on stream ${sid}`);
            start = 1;
            end -= p[0];
        }
        const call = this.#calls.get(sid);
        if (!call) {
            if (sid >= this.#nextStreamId) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `DATA on idle stream ${sid}`);
            this.#creditConnection(p.length); // a stream we already ended
            return;
        }
        call.recvWindow -= p.length;
        if (call.recvWindow < 0) {
            this.reset(call, ErrorCode.FLOW_CONTROL_ERROR);
            this.#creditConnection(p.length);
            return call.finish(Status.INTERNAL, `the server overran the stream window of ${call.method}`);
        }
        call.uncredited += p.length;
        call.onData(p.subarray(start, end));
        if (flags & Flags.END_STREAM && !call.finished) {
            call.remoteEnded();
            call.finish(Status.INTERNAL, 'the server ended the stream without trailers');
        }
        this.credit(call);
    }

    #endHeaderBlock() {
        const c = this.#continuation;
        this.#continuation = null;
        const fields = this.#decoder.decode(c.size === c.chunks[0].length ? c.chunks[0] : concat(c.chunks, c.size));
        const call = this.#calls.get(c.sid);
        if (!call) {
            if (c.sid >= this.#nextStreamId || c.sid % 2 === 0) {
                throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on stream ${c.sid}, which the client never opened`);
            }
            return;
        }
        call.onHeaders(fields, c.endStream);
    }

    #onSettings(flags, sid, p) {
        if (sid !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS on stream ${sid}`);
        if (flags & Flags.ACK) {
            if (p.length) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
            return;
        }
        if (p.length % 6) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `SETTINGS of ${p.length} bytes`);
        const v = new DataView(p.buffer, p.byteOffset, p.length);
        for (let i = 0; i < p.length; i += 6) {
            const id = v.getUint16(i);
            const val = v.getUint32(i + 2);
            if (id === Setting.INITIAL_WINDOW_SIZE) {
                if (val > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `SETTINGS_INITIAL_WINDOW_SIZE ${val}`);
                const delta = val - this.#peer.initialWindow;
                this.#peer.initialWindow = val;
                for (const call of this.#calls.values()) {
                    call.sendWindow += delta;
                    if (call.sendWindow > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, `stream ${call.id} window above 2^31-1`);
                }
            } else if (id === Setting.MAX_FRAME_SIZE) {
                if (val < DEFAULT_MAX_FRAME || val > 0xffffff) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${val}`);
                this.#peer.maxFrame = val;
            } else if (id === Setting.MAX_CONCURRENT_STREAMS) {
                this.#peer.maxStreams = val;
            } else if (id === Setting.ENABLE_PUSH && val > 1) {
                throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_ENABLE_PUSH ${val}`);
            }
            // HEADER_TABLE_SIZE does not matter: the encoder never uses the dynamic table.
        }
        this.#write(encodeFrame(FrameType.SETTINGS, Flags.ACK, 0));
        for (const call of [...this.#calls.values()]) this.flush(call);
    }

    /**
     * The connection's one close path. Runs once; fails every pending call with `code`, drops all
     * buffers, removes every listener and closes the socket (politely with GOAWAY when `polite`).
     */
    shutdown(code, message, polite = false) {
        if (this.closed) return;
        if (polite && this.#opened) {
            this.#write(encodeFrame(FrameType.GOAWAY, 0, 0, u32(0, ErrorCode.NO_ERROR)));
            this.#flushOut();
        }
        this.closed = true;
        const ws = this.#ws;
        ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
        if (this.#onPageHide) {
            globalThis.removeEventListener('pagehide', this.#onPageHide);
            this.#onPageHide = null;
        }
        // Closing a socket that is still connecting is not an error worth a console line: let it
        // finish and close it then.
        if (ws.readyState === 1) ws.close(1000);
        else if (ws.readyState === 0) ws.onopen = () => { ws.onopen = null; ws.close(1000); };
        this.#out = [];
        this.#leftover = null;
        this.#continuation = null;
        this.#blocked.clear();
        const calls = [...this.#calls.values(), ...this.#waitingForSlot.map(([c]) => c)];
        this.#waitingForSlot = [];
        for (const call of calls) call.finish(code, message);
        this.#calls.clear();
        this.#client._connectionClosed(this);
    }
}

// ---------------------------------------------------------------------------------------------
// The public client.

/** The response side of a streaming call, as an async iterator of Uint8Array messages. */
class ResponseStream {
    #call;
    #onEnd;
    constructor(call, onEnd) { this.#call = call; this.#onEnd = onEnd; }
    [Symbol.asyncIterator]() { return this; }
    next() { return this.#call.next(); }
    /** Leaving a for-await loop early cancels the call. */
    return(value) {
        this.#call.cancel(Status.CANCELLED, 'the caller stopped reading the response stream');
        this.#onEnd?.();
        return Promise.resolve({ value, done: true });
    }
    /** Cancels the call. */
    cancel(reason = 'cancelled by the caller') { this.#call.cancel(Status.CANCELLED, reason); }
}

/**
 * A gRPC client for one bridge URL (ws:// or wss://). It holds at most one WebSocket at a time,
 * opened by the first call and reopened by the first call after it closed.
 */
export class GrpcWsClient {
    #url;
    #options;
    #conn = null;
    #authority;
    #scheme;

    /**
     * @param {string} url the bridge's WebSocket URL, e.g. "ws://localhost:8080/grpc"
     * @param {object} [options]
     * @param {Record<string,string>} [options.metadata] headers sent with every call
     * @param {number} [options.maxReceiveMessageBytes=4 MiB] larger response messages fail with RESOURCE_EXHAUSTED
     * @param {number} [options.streamWindowBytes=4 MiB] per-call inbound window; a call buffers at most
     *        about twice this plus one partial message, however slowly the application reads
     * @param {number} [options.connectionWindowBytes=32 MiB] inbound window of the whole connection
     * @param {boolean} [options.closeOnPageHide=true] close the socket on the page's pagehide event
     * @param {typeof WebSocket} [options.WebSocket] the WebSocket constructor (for tests)
     */
    constructor(url, options = {}) {
        const u = new URL(url, globalThis.location?.href);
        if (u.protocol !== 'ws:' && u.protocol !== 'wss:') throw new TypeError(`bridge URL must be ws:// or wss://, got ${url}`);
        this.#url = u.href;
        this.#authority = u.host;
        this.#scheme = u.protocol === 'wss:' ? 'https' : 'http';
        this.#options = {
            metadata: {},
            maxReceiveMessageBytes: 4 * 1024 * 1024,
            // A browser's WebSocket crosses several processes, so its round trip is long: smaller
            // windows than these measurably capped streaming on a loaded machine.
            streamWindowBytes: 4 * 1024 * 1024,
            connectionWindowBytes: 32 * 1024 * 1024,
            outboundHighWaterBytes: 256 * 1024,
            closeOnPageHide: true,
            WebSocket: globalThis.WebSocket,
            ...options,
        };
        if (this.#options.streamWindowBytes < 65535 || this.#options.streamWindowBytes > MAX_WINDOW) throw new RangeError('streamWindowBytes must be in 65535..2^31-1');
        if (this.#options.connectionWindowBytes < 65535 || this.#options.connectionWindowBytes > MAX_WINDOW) throw new RangeError('connectionWindowBytes must be in 65535..2^31-1');
    }

    /** Whether a WebSocket is currently open or opening. */
    get connected() { return this.#conn !== null; }

    /** Unary call: one request, one response. */
    async unary(method, request, options = {}) {
        checkMessage(method, request);
        const call = this.#start(method, options);
        call.send(request);
        call.halfClose();
        return single(call);
    }

    /** Server streaming: one request, an async iterator of responses. */
    serverStream(method, request, options = {}) {
        checkMessage(method, request);
        const call = this.#start(method, options);
        call.send(request);
        call.halfClose();
        return new ResponseStream(call);
    }

    /** Client streaming: an (async) iterable of requests, one response. */
    async clientStream(method, requests, options = {}) {
        const call = this.#start(method, options);
        pump(call, requests);
        return single(call);
    }

    /** Bidirectional streaming: an (async) iterable of requests in, an async iterator of responses out. */
    bidi(method, requests, options = {}) {
        const call = this.#start(method, options);
        pump(call, requests);
        return new ResponseStream(call);
    }

    /** Closes the current WebSocket (GOAWAY, then close 1000); pending calls fail with UNAVAILABLE. A later call reconnects. */
    close() {
        this.#conn?.shutdown(Status.UNAVAILABLE, 'the client was closed', true);
        this.#conn = null;
    }

    /** @internal called by a connection's close path. */
    _connectionClosed(conn) {
        if (this.#conn === conn) this.#conn = null;
    }

    #start(method, options) {
        if (typeof method !== 'string' || !/^\/[^/]+\/[^/]+$/.test(method)) {
            throw new TypeError(`method must look like "/package.Service/Method", got ${JSON.stringify(method)}`);
        }
        if (!this.#conn || !this.#conn.usable) {
            this.#conn = new Connection(this, this.#url, this.#options);
        }
        const conn = this.#conn;
        const call = new Call(conn, method, options);
        const headers = [
            [':method', 'POST'], [':scheme', this.#scheme], [':path', method], [':authority', this.#authority],
            ['content-type', 'application/grpc'], ['te', 'trailers'],
        ];
        if (options.timeoutMs !== undefined) headers.push(['grpc-timeout', grpcTimeout(options.timeoutMs)]);
        for (const [k, v] of Object.entries({ ...this.#options.metadata, ...(options.metadata ?? {}) })) {
            headers.push([k.toLowerCase(), String(v)]);
        }
        if (options.signal?.aborted) {
            call.finish(Status.CANCELLED, 'cancelled by the caller before the call started');
            return call;
        }
        conn.start(call, headers);
        return call;
    }
}

function checkMessage(method, message) {
    if (!(message instanceof Uint8Array)) throw new TypeError(`request message of ${method} must be a Uint8Array`);
}

async function single(call) {
    const first = await call.next();
    if (first.done) throw new GrpcError(Status.INTERNAL, `${call.method} ended OK without a response message`);
    const second = await call.next();
    if (!second.done) {
        call.cancel(Status.INTERNAL, `${call.method} sent more than one response message`);
        throw new GrpcError(Status.INTERNAL, `${call.method} sent more than one response message`);
    }
    return first.value;
}

// Feeds a request iterable into a call, one message at a time, waiting while the call's outbound
// queue is above its high-water mark so a fast producer cannot grow memory.
async function pump(call, requests) {
    try {
        for await (const m of requests) {
            if (call.finished) break;
            await call.send(m);
            if (call.finished) break;
        }
        call.halfClose();
    } catch (e) {
        call.cancel(Status.CANCELLED, `the request stream failed: ${e?.message ?? e}`);
    }
}
