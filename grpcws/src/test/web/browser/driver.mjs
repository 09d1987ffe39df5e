// Drives the system's headless Chromium for the grpcws browser tests (puppeteer-core, never a
// downloaded browser). It reads one JSON command per line on stdin and answers each with one line
// on stdout: "ok <result>" or "error <message>" (newlines in results are escaped as \n).
//
// Commands:
//   {"op":"open","url":U}                       -> page id, once the page has loaded
//   {"op":"run","page":P,"scenario":S,"args":A} -> the scenario's result (see scenarios.mjs)
//   {"op":"start","page":P,"scenario":S,"args":A,"name":N} -> "started"; runs in the background
//   {"op":"await","name":N}                     -> the result of a started scenario
//   {"op":"heap","page":P}                      -> JSHeapUsedSize after a forced garbage collection
//   {"op":"eval","page":P,"expression":E}       -> the expression's value
//   {"op":"closePage","page":P}                 -> "closed"
//   {"op":"consoleErrors"}                      -> console errors and uncaught page errors so far, one per line
//   {"op":"exit"}                               -> closes the browser and removes its profile
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import puppeteer from 'puppeteer-core';
import { scenarios } from './scenarios.mjs';

const profile = mkdtempSync(join(tmpdir(), 'paqet4j-chromium-'));
const browser = await puppeteer.launch({
    executablePath: process.env.PAQET4J_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    // Running as root needs --no-sandbox; the rest keeps the browser from talking to anything
    // but the bridge under test.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage'],
});

const pages = new Map();
const running = new Map();
const errors = [];
let nextPage = 1;

async function open(url) {
    const page = await browser.newPage();
    const id = nextPage++;
    page.on('console', (m) => {
        // The browser's own favicon request for pages without an icon is not the page's error.
        if (m.type() === 'error' && !(m.location()?.url ?? '').endsWith('/favicon.ico')) {
            errors.push(`page ${id} console: ${m.text()} (${m.location()?.url ?? 'no location'})`);
        }
    });
    page.on('pageerror', (e) => errors.push(`page ${id} uncaught: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    pages.set(id, page);
    return id;
}

function page(id) {
    const p = pages.get(id);
    if (!p) throw new Error(`no page ${id}`);
    return p;
}

function scenario(name) {
    const s = scenarios[name];
    if (!s) throw new Error(`no scenario ${name}`);
    return s;
}

async function heap(id) {
    const cdp = await page(id).createCDPSession();
    try {
        await cdp.send('Performance.enable');
        for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
        const { metrics } = await cdp.send('Performance.getMetrics');
        return metrics.find(m => m.name === 'JSHeapUsedSize').value;
    } finally {
        await cdp.detach();
    }
}

async function handle(cmd) {
    switch (cmd.op) {
        case 'open': return open(cmd.url);
        case 'run': return page(cmd.page).evaluate(scenario(cmd.scenario), cmd.args ?? {});
        case 'start': {
            const p = page(cmd.page).evaluate(scenario(cmd.scenario), cmd.args ?? {});
            p.catch(() => {}); // reported by "await"
            running.set(cmd.name, p);
            return 'started';
        }
        case 'await': {
            const p = running.get(cmd.name);
            if (!p) throw new Error(`nothing started as ${cmd.name}`);
            running.delete(cmd.name);
            return p;
        }
        case 'heap': return heap(cmd.page);
        case 'eval': return page(cmd.page).evaluate(cmd.expression);
        case 'closePage': {
            await page(cmd.page).close();
            pages.delete(cmd.page);
            return 'closed';
        }
        case 'consoleErrors': return errors.join('\n');
        default: throw new Error(`unknown op ${cmd.op}`);
    }
}

async function exit() {
    await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    process.exit(0);
}

const escape = (v) => String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const lines = createInterface({ input: process.stdin });
// Commands run one after another, in order.
let chain = Promise.resolve();
lines.on('line', (line) => {
    chain = chain.then(async () => {
        let cmd;
        try {
            cmd = JSON.parse(line);
            if (cmd.op === 'exit') return exit();
            process.stdout.write(`ok ${escape(await handle(cmd))}\n`);
        } catch (e) {
            process.stdout.write(`error ${escape(e?.stack ?? e)}\n`);
        }
    });
});
// The test's end of stdin closing (the JVM died) must not leave a browser behind.
lines.on('close', () => { chain.then(exit); });
