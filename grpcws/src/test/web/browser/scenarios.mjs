// In-page scenarios of the browser tests. Each is a self-contained async function that the
// driver evaluates in a page the bridge served (puppeteer sends the function's source), so it can
// only use its argument and what the page can import from the bridge.
//
// Each returns a short string the Java test parses.

export const scenarios = {
    /** `n` unary round trips one after another; returns "<n> <elapsed ms>". */
    async unary({ wsUrl, n }) {
        const { GrpcWsClient } = await import('/grpcws.js');
        const { ECHO_UNARY, encodeEchoMessage, decodeEchoMessage } = await import('/echo-proto.js');
        const client = new GrpcWsClient(wsUrl);
        try {
            const payload = new TextEncoder().encode('ping');
            await client.unary(ECHO_UNARY, encodeEchoMessage({ payload })); // connect outside the timing
            const t0 = performance.now();
            for (let i = 0; i < n; i++) {
                const reply = decodeEchoMessage(await client.unary(ECHO_UNARY, encodeEchoMessage({ payload })));
                if (reply.payload.length !== payload.length) throw new Error(`echo ${i} has ${reply.payload.length} bytes`);
            }
            return `${n} ${(performance.now() - t0).toFixed(1)}`;
        } finally {
            client.close();
        }
    },

    /** A server stream; returns "<bytes> <messages> <sha-256 hex> <expected sha-256 hex> <elapsed ms>". */
    async stream({ wsUrl, total, chunk, seed }) {
        const { GrpcWsClient } = await import('/grpcws.js');
        const { ECHO_SERVER_STREAM, encodeStreamRequest, decodeEchoMessage, streamPattern } = await import('/echo-proto.js');
        const client = new GrpcWsClient(wsUrl);
        try {
            const received = new Uint8Array(total);
            let n = 0;
            let messages = 0;
            const t0 = performance.now();
            for await (const m of client.serverStream(ECHO_SERVER_STREAM, encodeStreamRequest({ totalBytes: total, chunkBytes: chunk, seed }))) {
                const { payload } = decodeEchoMessage(m);
                if (n + payload.length > total) throw new Error(`more than ${total} bytes`);
                received.set(payload, n);
                n += payload.length;
                messages++;
            }
            const ms = performance.now() - t0;
            const hex = (b) => Array.from(new Uint8Array(b), x => x.toString(16).padStart(2, '0')).join('');
            const got = hex(await crypto.subtle.digest('SHA-256', received.subarray(0, n)));
            const want = hex(await crypto.subtle.digest('SHA-256', streamPattern(new Uint8Array(total), 0, seed)));
            return `${n} ${messages} ${got} ${want} ${ms.toFixed(1)}`;
        } finally {
            client.close();
        }
    },

    /** Bidi ping-pong of `n` messages (each sent after the previous echo); returns "<echoes>". */
    async bidi({ wsUrl, n }) {
        const { GrpcWsClient } = await import('/grpcws.js');
        const { ECHO_BIDI, encodeEchoMessage, decodeEchoMessage } = await import('/echo-proto.js');
        const client = new GrpcWsClient(wsUrl);
        try {
            let release = null;
            async function* requests() {
                for (let i = 0; i < n; i++) {
                    yield encodeEchoMessage({ payload: new TextEncoder().encode(`ping ${i}`) });
                    await new Promise(r => { release = r; });
                }
            }
            let count = 0;
            for await (const m of client.bidi(ECHO_BIDI, requests())) {
                const text = new TextDecoder().decode(decodeEchoMessage(m).payload);
                if (text !== `ping ${count}`) throw new Error(`echo ${count} was ${JSON.stringify(text)}`);
                count++;
                release();
            }
            return `${count}`;
        } finally {
            client.close();
        }
    },

    /**
     * Starts a long server stream and leaves it running in the page (window.pendingCall); returns
     * once the first message arrived. `awaitPending` reports how it ended.
     */
    async startPending({ wsUrl }) {
        const { GrpcWsClient, statusName } = await import('/grpcws.js');
        const { ECHO_SERVER_STREAM, encodeStreamRequest } = await import('/echo-proto.js');
        const client = new GrpcWsClient(wsUrl);
        window.pendingClient = client;
        const stream = client.serverStream(ECHO_SERVER_STREAM, encodeStreamRequest({ totalBytes: 2 ** 30, chunkBytes: 65536, seed: 1 }));
        let first;
        const started = new Promise(r => { first = r; });
        window.pendingCall = (async () => {
            try {
                // Reads slowly, so the call is still running whatever the test does next.
                for await (const m of stream) { first(); await new Promise(r => setTimeout(r, 20)); }
                return 'OK';
            } catch (e) {
                first();
                return e.code === undefined ? `ERROR ${e.message}` : `${statusName(e.code)} ${e.grpcMessage}`;
            }
        })();
        await started;
        return 'started';
    },

    async awaitPending() {
        return await window.pendingCall;
    },

    /** A unary call on the pending call's client (the one whose socket died): proves it reconnects. */
    async unaryOnPendingClient() {
        const { ECHO_UNARY, encodeEchoMessage, decodeEchoMessage } = await import('/echo-proto.js');
        const reply = decodeEchoMessage(await window.pendingClient.unary(ECHO_UNARY, encodeEchoMessage({ payload: new Uint8Array([1, 2, 3]) })));
        window.pendingClient.close();
        return `${reply.payload.length}`;
    },

    /** Cancels a server stream with an AbortSignal after `afterBytes`; returns "<status name> <bytes>". */
    async cancelMidStream({ wsUrl, afterBytes }) {
        const { GrpcWsClient, statusName } = await import('/grpcws.js');
        const { ECHO_SERVER_STREAM, encodeStreamRequest, decodeEchoMessage } = await import('/echo-proto.js');
        const client = new GrpcWsClient(wsUrl);
        const abort = new AbortController();
        let n = 0;
        try {
            for await (const m of client.serverStream(ECHO_SERVER_STREAM, encodeStreamRequest({ totalBytes: 2 ** 30, chunkBytes: 65536, seed: 3 }), { signal: abort.signal })) {
                n += decodeEchoMessage(m).payload.length;
                if (n >= afterBytes) abort.abort('the test had enough');
            }
            return `OK ${n}`;
        } catch (e) {
            return `${statusName(e.code)} ${n}`;
        } finally {
            // The socket stays open until the test has seen the server's side of the cancellation.
            window.cancelClient = client;
        }
    },

    async closeCancelClient() {
        window.cancelClient.close();
        return 'closed';
    },

    /** `n` cycles of: new client, one unary call, close. Returns "<n>". */
    async cycles({ wsUrl, n }) {
        const { GrpcWsClient } = await import('/grpcws.js');
        const { ECHO_UNARY, encodeEchoMessage } = await import('/echo-proto.js');
        for (let i = 0; i < n; i++) {
            const client = new GrpcWsClient(wsUrl);
            await client.unary(ECHO_UNARY, encodeEchoMessage({ payload: new Uint8Array(1024) }));
            client.close();
        }
        return `${n}`;
    },
};
