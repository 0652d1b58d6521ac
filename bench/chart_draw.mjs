// Browser benchmark: a 1M-point chart in headless Chromium against dist/ — time to draw
// after a reload (series read from IndexedDB, downsampled per pixel column, drawn by
// plotly.js), to re-draw on zoom (downsampled anew from all 1M points for the range), and
// the frame times while the mouse hovers across it.
// Usage: node bench/chart_draw.mjs [points] [repeats]
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp } from '../tests/e2e/harness.mjs';

const points = Number(process.argv[2] ?? 1_000_000);
const repeats = Number(process.argv[3] ?? 5);
const dir = await mkdtemp(join(tmpdir(), 'runlens-bench-'));
const rows = ['step,loss'];
for (let s = 0; s < points; s++) rows.push(`${s},${(1 + Math.sin(s / 1000) * 0.2 + (s % 7919 === 0 ? 3 : 0)).toFixed(6)}`);
await writeFile(join(dir, 'big.csv'), rows.join('\n'));

const server = await serve();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const { page } = await openApp(context, server.url);
await page.setInputFiles('#file-input', join(dir, 'big.csv'));
await page.waitForSelector('.table-preview');
await page.click('#preview-import');
await page.waitForSelector('#import-summary', { timeout: 600_000 });
await page.locator('#smoothing').fill('0.6');

const chart = 'figure.chart[data-tag="loss"] .js-plotly-plot';
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const draws = [];
const zooms = [];
for (let i = 0; i < repeats; i++) {
  await page.reload();
  const start = Date.now();
  await page.waitForFunction((sel) => document.querySelector(sel)?.data?.[1]?.x?.length > 0, chart, { timeout: 120_000 });
  draws.push(Date.now() - start);
  const lo = 100_000 + i * 50_000;
  const ms = await page.evaluate(async ({ sel, lo }) => {
    const div = document.querySelector(sel);
    const before = div.data[1].x;
    const t0 = performance.now();
    await window.Plotly.relayout(div, { 'xaxis.range[0]': lo, 'xaxis.range[1]': lo + 20000 });
    while (div.data[1].x === before) await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  }, { sel: chart, lo });
  zooms.push(ms);
  await page.evaluate((sel) => window.Plotly.relayout(document.querySelector(sel), { 'xaxis.autorange': true }), chart);
}
// Hover: the mouse swept across the plot in 120 moves, one per frame; the frame intervals
// meanwhile (rAF to rAF), p95 against the 16.7 ms of a 60 Hz frame.
const box = await page.locator(chart).boundingBox();
await page.evaluate(() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__frames.length < 100000) window.__rafId = requestAnimationFrame(tick); };
  window.__rafId = requestAnimationFrame(tick);
});
for (let i = 0; i <= 120; i++) {
  await page.mouse.move(box.x + 70 + (box.width - 100) * (i / 120), box.y + box.height / 2);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}
const frames = await page.evaluate(() => { cancelAnimationFrame(window.__rafId); return window.__frames.slice(1); });
frames.sort((a, b) => a - b);
const p95 = frames[Math.floor(frames.length * 0.95)];
console.log(`${points} points: hover sweep, ${frames.length} frames: p95 ${p95.toFixed(1)} ms, max ${frames[frames.length - 1].toFixed(1)} ms`);
console.log(`${points} points: reload to chart drawn median ${median(draws)} ms (runs: ${draws.join(', ')}); zoom re-draw median ${median(zooms).toFixed(0)} ms (runs: ${zooms.map((z) => z.toFixed(0)).join(', ')})`);
await browser.close();
await server.close();
