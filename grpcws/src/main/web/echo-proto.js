// echo-proto.js: hand-written protobuf encoding of the demo Echo service's messages, to show that
// any protobuf runtime plugs into grpcws.js (which only sees Uint8Array).
//
//   message EchoMessage   { bytes payload = 1; }
//   message StreamRequest { uint64 total_bytes = 1; uint32 chunk_bytes = 2; uint32 seed = 3; }

export const ECHO_UNARY = '/paqet4j.demo.Echo/Unary';
export const ECHO_SERVER_STREAM = '/paqet4j.demo.Echo/ServerStream';
export const ECHO_BIDI = '/paqet4j.demo.Echo/Bidi';

function varint(out, value) {
    // Numbers up to 2^53 are exact, which covers every size this demo asks for.
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint field must be a safe non-negative integer, got ${value}`);
    while (value >= 0x80) { out.push((value % 0x80) | 0x80); value = Math.floor(value / 0x80); }
    out.push(value);
}

function readVarint(bytes, pos) {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
        if (pos >= bytes.length) throw new RangeError('varint runs past the end of the message');
        const b = bytes[pos++];
        value += (b & 0x7f) * scale;
        scale *= 0x80;
        if ((b & 0x80) === 0) return [value, pos];
    }
    throw new RangeError('varint longer than 10 bytes');
}

// Calls onField(number, wireType, value) for each field; length-delimited values are subarrays.
function readFields(bytes, onField) {
    let p = 0;
    while (p < bytes.length) {
        let key;
        [key, p] = readVarint(bytes, p);
        const field = Math.floor(key / 8);
        const wire = key & 7;
        if (wire === 0) {
            let v;
            [v, p] = readVarint(bytes, p);
            onField(field, wire, v);
        } else if (wire === 2) {
            let len;
            [len, p] = readVarint(bytes, p);
            if (len > bytes.length - p) throw new RangeError(`field ${field} of ${len} bytes, ${bytes.length - p} left`);
            onField(field, wire, bytes.subarray(p, p + len));
            p += len;
        } else if (wire === 1) {
            if (bytes.length - p < 8) throw new RangeError(`fixed64 field ${field} truncated`);
            p += 8;
        } else if (wire === 5) {
            if (bytes.length - p < 4) throw new RangeError(`fixed32 field ${field} truncated`);
            p += 4;
        } else {
            throw new RangeError(`field ${field} has unsupported wire type ${wire}`);
        }
    }
}

/** EchoMessage { bytes payload = 1; } */
export function encodeEchoMessage({ payload }) {
    const head = [];
    if (payload.length) { head.push(0x0a); varint(head, payload.length); }
    const out = new Uint8Array(head.length + payload.length);
    out.set(head);
    out.set(payload, head.length);
    return out;
}

export function decodeEchoMessage(bytes) {
    let payload = new Uint8Array(0);
    readFields(bytes, (field, wire, value) => { if (field === 1 && wire === 2) payload = value; });
    return { payload };
}

/** StreamRequest { uint64 total_bytes = 1; uint32 chunk_bytes = 2; uint32 seed = 3; } */
export function encodeStreamRequest({ totalBytes, chunkBytes, seed }) {
    const out = [];
    if (totalBytes) { out.push(0x08); varint(out, totalBytes); }
    if (chunkBytes) { out.push(0x10); varint(out, chunkBytes); }
    if (seed) { out.push(0x18); varint(out, seed); }
    return Uint8Array.from(out);
}

export function decodeStreamRequest(bytes) {
    const r = { totalBytes: 0, chunkBytes: 0, seed: 0 };
    readFields(bytes, (field, wire, value) => {
        if (wire !== 0) return;
        if (field === 1) r.totalBytes = value;
        else if (field === 2) r.chunkBytes = value;
        else if (field === 3) r.seed = value;
    });
    return r;
}

/** Fills `out` with the ServerStream pattern from absolute offset `offset`: byte k is (k*31 + seed) & 0xff. */
export function streamPattern(out, offset, seed) {
    let v = (offset * 31 + seed) & 0xff; // (k*31) mod 256 only depends on k mod 256
    for (let i = 0; i < out.length; i++) { out[i] = v; v = (v + 31) & 0xff; }
    return out;
}
