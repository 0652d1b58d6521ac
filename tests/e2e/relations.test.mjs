// Parallel coordinates and scatter on the demo sweep: brushing an axis filters the runs
// table (and clears), the scatter plots one point per shown run in its colour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp } from './harness.mjs';

let server, browser, page, errors;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  ({ page, errors } = await openApp(context, `${server.url}?src=demo/manifest.json`));
  await page.waitForSelector('#import-summary');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const rowCount = () => page.locator('#runs-table tbody tr[data-run]').count();

test('parallel coordinates: an axis per varying param plus the metric; brushing filters the table', async () => {
  await page.click('button[data-tab="Parallel coordinates"]');
  await page.waitForFunction(() => document.getElementById('parcoords')?.data?.[0]?.type === 'parcoords');
  const labels = await page.evaluate(() => document.getElementById('parcoords').data[0].dimensions.map((d) => d.label));
  for (const p of ['batch_size', 'dropout', 'lr', 'optimizer']) assert.ok(labels.includes(p), `${p} axis in ${labels}`);
  assert.equal(await rowCount(), 7);
  const axis = labels.indexOf('batch_size');
  await page.evaluate((i) => window.Plotly.restyle('parcoords', { [`dimensions[${i}].constraintrange`]: [[0, 40]] }), axis);
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-run]').length === 4);
  const names = await page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => tr.children[2].textContent));
  assert.ok(names.every((n) => n.includes('bs=32') || n === 'tf2_keras'), names.join());
  await page.click('#clear-brush');
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-run]').length === 7);
});

test('scatter: one point per shown run, any param or metric against any metric', async () => {
  await page.click('button[data-tab="Scatter"]');
  await page.selectOption('#scatter-x', 'params.lr');
  await page.selectOption('#scatter-y', 'metrics.train/loss');
  await page.waitForFunction(() => document.getElementById('scatter')?.layout?.xaxis?.title?.text === 'lr');
  const points = await page.evaluate(() => document.getElementById('scatter').data[0].x.length);
  assert.equal(points, 7);
  assert.deepEqual(errors, []);
  await page.click('button[data-tab="Charts"]');
});

test('params diff: the ticked runs side by side, differing keys first and highlighted', async () => {
  await page.click('button[data-tab="Params diff"]');
  await page.waitForSelector('#params-diff');
  const lr = page.locator('#params-diff tr[data-key="params.lr"]');
  assert.match(await lr.getAttribute('class'), /differs/);
  const values = await lr.locator('td').allInnerTexts();
  for (const v of ['0.001', '0.01', '0.1', '1']) assert.ok(values.includes(v), `${v} in ${values}`);
  const keys = await page.$$eval('#params-diff tbody tr', (trs) => trs.map((tr) => tr.className));
  const firstSame = keys.findIndex((c) => !c.includes('differs'));
  assert.ok(firstSame === -1 || keys.slice(firstSame).every((c) => !c.includes('differs')), 'differences come first');
  // Untick the four lr=0.0… runs: three remain side by side.
  await page.fill('#run-filter', "name ~ '^lr=0.0'");
  await page.locator('#runs-table thead input[type=checkbox]').uncheck();
  await page.fill('#run-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('#params-diff thead th').length === 1 + 3);
  await page.locator('#runs-table thead input[type=checkbox]').check();
});

test('x axis: another metric of the run, paired by step', async () => {
  await page.click('button[data-tab="Charts"]');
  await page.selectOption('#x-axis', 'metric:train/accuracy');
  await page.waitForFunction(() => document.querySelector('figure.chart[data-tag="train/loss"] .js-plotly-plot')?.layout?.xaxis?.title?.text === 'train/accuracy');
  const xs = await page.$eval('figure.chart[data-tag="train/loss"] .js-plotly-plot', (d) => d.data.flatMap((t) => Array.from(t.x)));
  assert.ok(xs.length > 0 && xs.every((x) => x >= 0 && x <= 1), 'x values are accuracies');
  await page.selectOption('#x-axis', 'step');
});

test('grouping by a param: one line with a band per group in the charts, groups with counts in the table', async () => {
  await page.click('button[data-tab="Charts"]');
  await page.selectOption('#group-by', 'param:optimizer');
  await page.waitForFunction(() => {
    const d = document.querySelector('figure.chart[data-tag="train/loss"] .js-plotly-plot');
    return d?.data?.some((t) => (t.name || '').startsWith('sgd ('));
  });
  const traces = await page.$eval('figure.chart[data-tag="train/loss"] .js-plotly-plot', (d) => d.data.map((t) => ({ name: t.name, fill: t.fill })));
  const centres = traces.filter((t) => t.name && t.name.includes(' runs)')).map((t) => t.name);
  assert.deepEqual(centres, ['adam (3 runs)', 'adamw (1 runs)', 'sgd (3 runs)']);
  assert.equal(traces.filter((t) => t.fill === 'tonexty').length, 3, 'a filled band per group');
  const groups = await page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => tr.children[3].textContent));
  assert.deepEqual([...new Set(groups)], ['adam (3)', 'adamw (1)', 'sgd (3)']);
  await page.selectOption('#band', 'std');
  await page.selectOption('#aggregate', 'median');
  await page.selectOption('#group-by', '');
  await page.waitForFunction(() => document.querySelector('figure.chart[data-tag="train/loss"] .js-plotly-plot')?.data?.every((t) => !(t.name || '').includes(' runs)')));
});

test('parameter importance for a metric: lr explains the loss, sortable', async () => {
  await page.click('button[data-tab="Importance"]');
  await page.selectOption('#importance-metric', 'train/loss');
  await page.waitForSelector('#importance-table');
  const params = await page.$$eval('#importance-table tbody tr', (trs) => trs.map((tr) => tr.dataset.param));
  assert.ok(params.includes('lr') && params.includes('batch_size'), params.join());
  const total = await page.$$eval('#importance-table tbody tr td:nth-child(2) .bar-value', (s) => s.reduce((n, e) => n + Number(e.textContent), 0));
  assert.ok(Math.abs(total - 1) < 0.01, `importances sum to 1 (${total})`);
  await page.click('#importance-table th:has-text("Param")');
  const sorted = await page.$$eval('#importance-table tbody tr', (trs) => trs.map((tr) => tr.dataset.param));
  assert.deepEqual(sorted, [...sorted].sort());
  await page.click('button[data-tab="Charts"]');
});
