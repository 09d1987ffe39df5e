// HPACK: the RFC 7541 Appendix C examples (C.2 to C.6, with and without Huffman coding), the
// Huffman code itself, the encoder, and the decoder's refusals of malformed blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HpackDecoder, HpackEncoder, HpackError, huffmanDecode, huffmanEncode } from '../../main/web/grpcws.js';

const hex = (s) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g).map(h => parseInt(h, 16)));
const text = (b) => String.fromCharCode(...b);
const bytes = (s) => Uint8Array.from(s, c => c.charCodeAt(0));

// Checks a sequence of header blocks decoded by one decoder, with the dynamic table after each.
function sequence(decoder, steps) {
    for (const { id, input, headers, table, size } of steps) {
        assert.deepEqual(decoder.decode(hex(input)), headers, `${id}: headers`);
        assert.deepEqual(decoder.dynamicTable, table, `${id}: dynamic table`);
        assert.equal(decoder.dynamicTableSize, size, `${id}: dynamic table size`);
    }
}

test('C.2.1 literal header field with indexing', () => {
    sequence(new HpackDecoder(), [{
        id: 'C.2.1', input: '400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572',
        headers: [['custom-key', 'custom-header']], table: [['custom-key', 'custom-header']], size: 55,
    }]);
});

test('C.2.2 literal header field without indexing', () => {
    sequence(new HpackDecoder(), [{
        id: 'C.2.2', input: '040c 2f73 616d 706c 652f 7061 7468',
        headers: [[':path', '/sample/path']], table: [], size: 0,
    }]);
});

test('C.2.3 literal header field never indexed', () => {
    sequence(new HpackDecoder(), [{
        id: 'C.2.3', input: '1008 7061 7373 776f 7264 0673 6563 7265 74',
        headers: [['password', 'secret']], table: [], size: 0,
    }]);
});

test('C.2.4 indexed header field', () => {
    sequence(new HpackDecoder(), [{ id: 'C.2.4', input: '82', headers: [[':method', 'GET']], table: [], size: 0 }]);
});

const REQUEST_HEADERS = [
    [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com']],
    [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], [':authority', 'www.example.com'], ['cache-control', 'no-cache']],
    [[':method', 'GET'], [':scheme', 'https'], [':path', '/index.html'], [':authority', 'www.example.com'], ['custom-key', 'custom-value']],
];
const REQUEST_TABLES = [
    [[':authority', 'www.example.com']],
    [['cache-control', 'no-cache'], [':authority', 'www.example.com']],
    [['custom-key', 'custom-value'], ['cache-control', 'no-cache'], [':authority', 'www.example.com']],
];
const REQUEST_SIZES = [57, 110, 164];

function requests(prefix, inputs) {
    return inputs.map((input, i) => ({
        id: `${prefix}.${i + 1}`, input, headers: REQUEST_HEADERS[i], table: REQUEST_TABLES[i], size: REQUEST_SIZES[i],
    }));
}

test('C.3 request examples without Huffman coding', () => {
    sequence(new HpackDecoder(), requests('C.3', [
        '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        '8286 84be 5808 6e6f 2d63 6163 6865',
        '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ]));
});

test('C.4 request examples with Huffman coding', () => {
    sequence(new HpackDecoder(), requests('C.4', [
        '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
        '8286 84be 5886 a8eb 1064 9cbf',
        '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ]));
});

const DATE1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
const DATE2 = 'Mon, 21 Oct 2013 20:13:22 GMT';
const LOCATION = 'https://www.example.com';
const COOKIE = 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1';
const RESPONSES = [
    {
        headers: [[':status', '302'], ['cache-control', 'private'], ['date', DATE1], ['location', LOCATION]],
        table: [['location', LOCATION], ['date', DATE1], ['cache-control', 'private'], [':status', '302']], size: 222,
    },
    {
        headers: [[':status', '307'], ['cache-control', 'private'], ['date', DATE1], ['location', LOCATION]],
        table: [[':status', '307'], ['location', LOCATION], ['date', DATE1], ['cache-control', 'private']], size: 222,
    },
    {
        headers: [[':status', '200'], ['cache-control', 'private'], ['date', DATE2], ['location', LOCATION],
            ['content-encoding', 'gzip'], ['set-cookie', COOKIE]],
        table: [['set-cookie', COOKIE], ['content-encoding', 'gzip'], ['date', DATE2]], size: 215,
    },
];

function responses(prefix, inputs) {
    return inputs.map((input, i) => ({ id: `${prefix}.${i + 1}`, input, ...RESPONSES[i] }));
}

test('C.5 response examples without Huffman coding (table size 256, with evictions)', () => {
    sequence(new HpackDecoder(256), responses('C.5', [
        '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        '4803 3330 37c1 c0bf',
        '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    ]));
});

test('C.6 response examples with Huffman coding (table size 256, with evictions)', () => {
    sequence(new HpackDecoder(256), responses('C.6', [
        '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
        '4883 640e ffc1 c0bf',
        '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    ]));
});

test('Huffman: every octet round-trips, and the RFC strings encode to the RFC bytes', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(huffmanDecode(huffmanEncode(all)), all);
    for (let i = 0; i < 256; i++) {
        const one = Uint8Array.of(i);
        assert.deepEqual(huffmanDecode(huffmanEncode(one)), one, `octet ${i}`);
    }
    assert.deepEqual(huffmanEncode(bytes('www.example.com')), hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'));
    assert.deepEqual(huffmanEncode(bytes('no-cache')), hex('a8eb 1064 9cbf'));
    assert.deepEqual(huffmanEncode(bytes(COOKIE)).length, 45);
    assert.equal(text(huffmanDecode(hex('a8eb 1064 9cbf'))), 'no-cache');
    assert.deepEqual(huffmanDecode(new Uint8Array(0)), new Uint8Array(0));
});

test('Huffman: the decoder refuses EOS, padding over 7 bits and padding that is not all ones', () => {
    // 30 ones is the EOS code itself.
    assert.throws(() => huffmanDecode(hex('ffff fffc')), HpackError);
    // 'a' is 00011 (5 bits); with a whole byte of ones after it the padding is 11 bits.
    assert.throws(() => huffmanDecode(hex('1fff')), /padding of/);
    // 'a' then three padding bits 000 instead of 111.
    assert.throws(() => huffmanDecode(hex('18')), /prefix of EOS/);
    assert.equal(text(huffmanDecode(hex('1f'))), 'a');
});

test('encoder: literals without indexing that any decoder reads back, and no dynamic table use', () => {
    const headers = [[':method', 'POST'], [':scheme', 'http'], [':path', '/paqet4j.demo.Echo/Unary'],
        [':authority', 'localhost:8080'], ['content-type', 'application/grpc'], ['te', 'trailers'],
        ['grpc-timeout', '1500m'], ['x-empty', ''], ['x-latin1', 'caf\u00e9 \u00ff'], ['x-long', 'v'.repeat(300)]];
    const block = new HpackEncoder().encode(headers);
    const decoder = new HpackDecoder();
    assert.deepEqual(decoder.decode(block), headers);
    assert.deepEqual(decoder.dynamicTable, []);
    // The first field uses the static name index of :method (2) as a 4-bit prefix: 0000 0010.
    assert.equal(block[0], 0x02);
    assert.throws(() => new HpackEncoder().encode([['x', '\u20ac']]), TypeError);
});

test('decoder: malformed blocks are errors, never a partial result', () => {
    const cases = {
        'index 0': '80',
        'index past the dynamic table': 'be',
        'string longer than the block': '400a 6375',
        'integer running off the end': '7f',
        'integer above 2^31-1': '3fff ffff ff0f',
        'table size update above the setting': '3fe2 1f',
        'table size update after a field': '823f e21f',
        'Huffman EOS in a value': '0082 ffff',
    };
    for (const [name, input] of Object.entries(cases)) {
        assert.throws(() => new HpackDecoder().decode(hex(input)), HpackError, name);
    }
    assert.throws(() => new HpackDecoder(4096, 100).decode(new HpackEncoder().encode([['x', 'y'.repeat(100)]])), /header list above/);
});

test('decoder: a table size update to 0 empties the table, and entries larger than the table are not kept', () => {
    const d = new HpackDecoder();
    d.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'));
    assert.equal(d.dynamicTable.length, 1);
    d.decode(hex('20'));
    assert.deepEqual(d.dynamicTable, []);
    const small = new HpackDecoder(40);
    assert.deepEqual(small.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572')), [['custom-key', 'custom-header']]);
    assert.deepEqual(small.dynamicTable, []);
});
