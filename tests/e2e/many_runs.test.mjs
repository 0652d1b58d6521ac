// The import summary's timings, and a chart of many runs stays drawable: ungrouped charts draw the first 100 runs in the runs
// table's order, say so, and draw every run on request; the filter chooses which are drawn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp } from './harness.mjs';

const RUNS = 130;
let server, browser, page;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  ({ page } = await openApp(context, server.url));
  // A W&B line-chart export: "Step", then "<run> - <key>" with its __MIN/__MAX companions.
  const names = Array.from({ length: RUNS }, (_, i) => `r${String(i).padStart(3, '0')}`);
  const header = ['Step', ...names.flatMap((n) => [`${n} - loss`, `${n} - loss__MIN`, `${n} - loss__MAX`])];
  const rows = [header.join(',')];
  for (let step = 0; step < 20; step++) {
    // Run i ends at loss i, so `metrics.loss >= 100` picks the last 30 runs.
    rows.push([step, ...names.flatMap((_, i) => {
      const v = i + (19 - step) * 0.01;
      return [v, v, v];
    })].join(','));
  }
  const dir = await mkdtemp(join(tmpdir(), 'runlens-many-'));
  await writeFile(join(dir, 'wandb_chart_loss.csv'), rows.join('\n'));
  await page.setInputFiles('#file-input', join(dir, 'wandb_chart_loss.csv'));
  await page.waitForSelector('#import-summary');
  await page.locator('#smoothing').fill('0');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Names of the runs the loss chart draws, once it draws `count` of them. */
async function drawnRuns(count) {
  await page.waitForFunction((n) => {
    const d = document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot');
    return d?.data?.length === n;
  }, count, { timeout: 30_000 });
  return page.$eval('figure.chart[data-tag="loss"] .js-plotly-plot', (d) => d.data.map((t) => t.name));
}

test('the import summary says where the time went: parsing, saving, waiting for the files', async () => {
  const timing = page.locator('#import-timing');
  assert.match(await timing.textContent(), /^Parsed in \d+( ms|\.\d\d s), saved in \d+( ms|\.\d\d s); .* waiting for the browser/);
  const ms = await timing.evaluate((e) => [e.dataset.parsingMs, e.dataset.savingMs, e.dataset.waitingMs].map(Number));
  assert.ok(ms.every((v) => Number.isFinite(v) && v >= 0), `${ms}`);
});

test('a chart of 130 runs draws the first 100 in the table and says so', async () => {
  const names = await drawnRuns(100);
  assert.ok(names.includes('r000') && names.includes('r099'));
  assert.ok(!names.includes('r100') && !names.includes('r129'));
  assert.match(await page.textContent('#chart-cap'), /Charts draw 100 of 130 runs/);
});

test('the runs filter chooses which runs are drawn, and a small set lifts the cap', async () => {
  await page.fill('#run-filter', 'metrics.loss >= 100');
  const names = await drawnRuns(30);
  assert.ok(names.includes('r100') && names.includes('r129'));
  assert.equal(await page.locator('#chart-cap').count(), 0);
  await page.fill('#run-filter', '');
  await drawnRuns(100);
});

test('with smoothing, the faded raw lines of 100 runs draw as one trace per colour, broken between runs', async () => {
  await page.locator('#smoothing').fill('0.6');
  // 100 smoothed lines, one per run, and one faded raw trace for each of the 12 palette colours.
  await page.waitForFunction(() => document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot')?.data?.length === 112);
  const raw = await page.$eval('figure.chart[data-tag="loss"] .js-plotly-plot', (d) =>
    d.data.filter((t) => t.hoverinfo === 'skip').map((t) => ({ n: t.x.length, gaps: Array.from(t.x).filter(Number.isNaN).length })));
  assert.equal(raw.length, 12);
  // Runs 0, 12, 24, … share the first colour: 9 runs of 20 points, each followed by a gap.
  assert.deepEqual(raw[0], { n: 9 * 21, gaps: 9 });
  assert.equal(raw.reduce((s, t) => s + t.gaps, 0), 100);
  await page.locator('#smoothing').fill('0');
  await drawnRuns(100);
});

test('"Draw all" draws every run', async () => {
  await page.click('#chart-draw-all');
  const names = await drawnRuns(RUNS);
  assert.ok(names.includes('r129'));
  assert.equal(await page.locator('#chart-cap').count(), 0);
});
