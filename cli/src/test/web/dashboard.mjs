// Opens the status dashboard in the system's headless Chromium (puppeteer-core, never a downloaded
// browser) while a transfer runs, and prints one JSON line: the session rows, the pixels of the
// throughput chart's series colours counted in a screenshot, every console error, and the page's
// final address.
//   node src/test/web/dashboard.mjs URL SCREENSHOT.png
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, screenshotPath] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'paqet4j-dashboard-'));
const browser = await puppeteer.launch({
    executablePath: process.env.PAQET4J_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    userDataDir: profile,
    // Running as root needs --no-sandbox; the rest keeps the browser from talking to anything but
    // the endpoint under test.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const errors = [];
try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 900 });
    page.on('console', (m) => {
        // The browser's own favicon request (the endpoint has none) is not the page's error.
        if (m.type() === 'error' && !(m.location()?.url ?? '').endsWith('/favicon.ico')) {
            errors.push(`console: ${m.text()} (${m.location()?.url ?? 'no location'})`);
        }
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('#sessions tbody tr').length > 0,
        { timeout: 120_000, polling: 200 });
    // Rates need two reports; five moving ones make a line rather than a dot. (samples is the
    // dashboard script's own history, a global of the page.)
    await page.waitForFunction('samples.filter((p) => p.received > 0 || p.sent > 0).length >= 5',
        { timeout: 120_000, polling: 200 });
    const rows = await page.$$eval('#sessions tbody tr', (trs) => trs.map((tr) => tr.textContent));
    const chart = await page.$('#throughput');
    const png = await chart.screenshot({ encoding: 'base64' });
    writeFileSync(screenshotPath, Buffer.from(png, 'base64'));

    // Count the series' pixels in the screenshot itself, decoded on a blank page of its own.
    const blank = await browser.newPage();
    const seriesPixels = await blank.evaluate(async (data) => {
        const image = new Image();
        image.src = 'data:image/png;base64,' + data;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(image, 0, 0);
        const { data: px } = ctx.getImageData(0, 0, image.width, image.height);
        const near = (i, [r, g, b]) => Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 60;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
            if (near(i, [0x1f, 0x77, 0xb4]) || near(i, [0xd6, 0x27, 0x28])) n++;
        }
        return n;
    }, png);
    const error = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
    // Where the page is now: a token given in the fragment must be gone from the address bar.
    const location = await page.evaluate(() => window.location.href);
    console.log(JSON.stringify({ rows, seriesPixels, error, errors, location }));
} finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
}
