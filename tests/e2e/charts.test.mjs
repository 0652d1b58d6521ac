// Charts a user relies on: a spike in 200,000 points is never hidden by downsampling,
// such a series is drawn with WebGL under the app's CSP (no eval), zooming one chart zooms
// every chart and redraws it from full data for the new range, hover shows the same x in
// every chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp } from './harness.mjs';

let server, browser, page, errors;
const POINTS = 200_000;
const SPIKE_AT = 123_457;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // The policy has no 'unsafe-eval': plotly's WebGL traces must draw without compiling code.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
  });
  ({ page, errors } = await openApp(context, server.url));
  const dir = await mkdtemp(join(tmpdir(), 'runlens-spike-'));
  const rows = ['step,loss,accuracy'];
  for (let s = 0; s < POINTS; s++) {
    const loss = s === SPIKE_AT ? 100 : 1 + Math.sin(s / 500) * 0.1;
    rows.push(`${s},${loss},${(s / POINTS).toFixed(6)}`);
  }
  await writeFile(join(dir, 'long_run.csv'), rows.join('\n'));
  await page.setInputFiles('#file-input', join(dir, 'long_run.csv'));
  await page.waitForSelector('.table-preview');
  await page.click('#preview-import');
  await page.waitForSelector('#import-summary');
  await page.locator('#smoothing').fill('0');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** x and y arrays of the first trace of a chart, as plotly holds them. */
const traceData = (tag) => page.$eval(`figure.chart[data-tag="${tag}"] .js-plotly-plot`, (d) => ({
  x: Array.from(d.data[0].x), y: Array.from(d.data[0].y), range: d.layout.xaxis.range,
}));

test('downsampling for drawing keeps the one spike among 200,000 points', async () => {
  await page.waitForFunction(() => document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot')?.data?.length === 1);
  const { x, y } = await traceData('loss');
  assert.ok(x.length < 10_000, `${x.length} points drawn, not all 200,000`);
  assert.equal(Math.max(...y), 100, 'the spike is drawn');
  assert.ok(x.includes(SPIKE_AT));
});

test('one long run draws its few downsampled points with SVG, holding no WebGL context', async () => {
  const types = await page.$eval('figure.chart[data-tag="loss"] .js-plotly-plot', (d) => d._fullData.map((t) => t.type));
  assert.deepEqual(types, ['scatter']);
});

test('with ?webgl=force a chart draws with WebGL (scattergl) under the CSP: no eval, no violation', async () => {
  const gl = await page.context().newPage();
  try {
    await gl.goto(`${server.url}?webgl=force`);
    const sel = 'figure.chart[data-tag="loss"] .js-plotly-plot';
    await gl.waitForFunction((s) => document.querySelector(s)?._fullData?.[0]?.type === 'scattergl', sel);
    const drawn = await gl.$eval(sel, (d) => ({
      types: d._fullData.map((t) => t.type),
      regl: Boolean(d._fullLayout._glcanvas?.data()?.[0]?.regl),
    }));
    assert.deepEqual(drawn, { types: ['scattergl'], regl: true });
    // Zoom and hover run plotly's WebGL code paths again.
    await gl.evaluate((s) => window.Plotly.relayout(document.querySelector(s), { 'xaxis.range[0]': 1000, 'xaxis.range[1]': 9000 }), sel);
    await gl.hover(sel);
    assert.deepEqual(await gl.evaluate(() => window.__cspViolations), []);
  } finally {
    await gl.close();
  }
});

test('zooming one chart zooms every chart, redrawn from full data for the range', async () => {
  const before = (await traceData('loss')).x.filter((v) => v >= 120_000 && v <= 126_000).length;
  await page.evaluate(() => {
    const div = document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot');
    return window.Plotly.relayout(div, { 'xaxis.range[0]': 120000, 'xaxis.range[1]': 126000 });
  });
  await page.waitForFunction(() => {
    const d = document.querySelector('figure.chart[data-tag="accuracy"] .js-plotly-plot');
    return d?.layout?.xaxis?.range?.[0] === 120000;
  });
  await page.waitForFunction(() => {
    const d = document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot');
    return d.data[0].x.filter((v) => v >= 120000 && v <= 126000).length > 2000;
  });
  const after = (await traceData('loss')).x.filter((v) => v >= 120_000 && v <= 126_000).length;
  assert.ok(after > before * 3, `more detail in the range after zoom: ${before} → ${after}`);
  assert.equal(Math.max(...(await traceData('loss')).y), 100, 'the spike is still there');
  // Double-click resets every chart.
  await page.evaluate(() => {
    const div = document.querySelector('figure.chart[data-tag="accuracy"] .js-plotly-plot');
    return window.Plotly.relayout(div, { 'xaxis.autorange': true });
  });
  await page.waitForFunction(() => {
    const d = document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot');
    return d.layout.xaxis.range[1] > 190000;
  });
});

test('hovering one chart shows the same step in the others', async () => {
  const plot = page.locator('figure.chart[data-tag="loss"] .nsewdrag');
  const box = await plot.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-tag="accuracy"] .hoverlayer *').length > 0);
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'WebGL redraws (zoom, hover) under the CSP');
});

test('"ignore outliers" scales y to the bulk of the data; the spike stays drawn', async () => {
  await page.check('#ignore-outliers');
  await page.waitForFunction(() => {
    const d = document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot');
    return d?.layout?.yaxis?.range && d.layout.yaxis.range[1] < 10;
  });
  assert.equal(Math.max(...(await traceData('loss')).y), 100, 'the spike is still in the data');
  await page.uncheck('#ignore-outliers');
});

test('smoothing kinds: each smooths every point, the raw curve stays behind', async () => {
  await page.locator('#smoothing').fill('0.9');
  const smoothed = {};
  for (const kind of ['EMA (TensorBoard)', 'Gaussian', 'Running average', 'Time-weighted EMA']) {
    await page.selectOption('#smoothing-kind', kind);
    await page.waitForFunction(() => document.querySelector('figure.chart[data-tag="loss"] .js-plotly-plot')?.data?.length === 2);
    await page.waitForTimeout(300);
    const [raw, line] = await page.$eval('figure.chart[data-tag="loss"] .js-plotly-plot', (d) => [Array.from(d.data[0].y), Array.from(d.data[1].y)]);
    assert.equal(Math.max(...raw), 100, `${kind}: raw curve keeps the spike`);
    assert.ok(Math.max(...line) < 100, `${kind}: the smoothed line damps the spike`);
    smoothed[kind] = Math.max(...line);
  }
  assert.equal(new Set(Object.values(smoothed)).size, 4, JSON.stringify(smoothed));
  await page.selectOption('#smoothing-kind', 'EMA (TensorBoard)');
  await page.locator('#smoothing').fill('0');
});

/** TensorBoard's debiased EMA, transcribed from its data_transformer.ts. */
function tensorboardEma(values, weight) {
  let last = values.length > 0 ? 0 : NaN;
  let numAccum = 0;
  const isConstant = values.every((v) => v === values[0]);
  return values.map((v) => {
    if (isConstant || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    numAccum++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, numAccum);
    return last / debias;
  });
}

test("a chart's CSV export holds every point with the smoothing shown, TensorBoard's numbers", async () => {
  await page.selectOption('#smoothing-kind', 'EMA (TensorBoard)');
  await page.locator('#smoothing').fill('0.6');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('figure.chart[data-tag="accuracy"] button.export-chart'),
  ]);
  const { readFile } = await import('node:fs/promises');
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  assert.equal(lines[0], 'run,step,wall_time,value,smoothed');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, POINTS, 'every point, not the drawn ones');
  const values = rows.map((r) => Number(r[3]));
  const expected = tensorboardEma(values, 0.6);
  for (let i = 0; i < rows.length; i += 997) {
    const got = Number(rows[i][4]);
    assert.ok(Math.abs(got - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])), `point ${i}: ${got} vs ${expected[i]}`);
  }
  await page.locator('#smoothing').fill('0');
});

test("a chart's CSV holds exactly what it draws: every drawn point is a row with the drawn raw and smoothed values", async () => {
  await page.locator('#smoothing').fill('0.6');
  const sel = 'figure.chart[data-tag="accuracy"] .js-plotly-plot';
  await page.waitForFunction((s) => document.querySelector(s)?.data?.length === 2, sel);
  const drawn = await page.$eval(sel, (d) => ({
    raw: { x: Array.from(d.data[0].x), y: Array.from(d.data[0].y) },
    line: { x: Array.from(d.data[1].x), y: Array.from(d.data[1].y) },
  }));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('figure.chart[data-tag="accuracy"] button.export-chart'),
  ]);
  const { readFile } = await import('node:fs/promises');
  const rows = (await readFile(await download.path(), 'utf8')).trim().split('\r\n').slice(1)
    .map((l) => l.split(','));
  const byStep = new Map(rows.map((r) => [Number(r[1]), { value: Number(r[3]), smoothed: Number(r[4]) }]));
  assert.ok(drawn.line.x.length > 100 && drawn.line.x.length < rows.length, `${drawn.line.x.length} drawn of ${rows.length}`);
  assert.deepEqual(drawn.raw.x, drawn.line.x, 'the faded raw line is drawn at the same points');
  drawn.line.x.forEach((x, i) => {
    const row = byStep.get(x);
    assert.ok(row, `drawn step ${x} is a CSV row`);
    assert.equal(row.smoothed, drawn.line.y[i], `step ${x}: smoothed as drawn`);
    assert.equal(row.value, drawn.raw.y[i], `step ${x}: raw value as drawn`);
  });

  // Against another metric too: the CSV's x column is the drawn x, smoothed on that axis.
  await page.selectOption('#x-axis', 'metric:accuracy');
  const lossSel = 'figure.chart[data-tag="loss"] .js-plotly-plot';
  await page.waitForFunction((s) => document.querySelector(s)?.layout?.xaxis?.title?.text === 'accuracy', lossSel);
  const against = await page.$eval(lossSel, (d) => ({ x: Array.from(d.data[1].x), y: Array.from(d.data[1].y) }));
  const [metricCsv] = await Promise.all([
    page.waitForEvent('download'),
    page.click('figure.chart[data-tag="loss"] button.export-chart'),
  ]);
  const lines = (await readFile(await metricCsv.path(), 'utf8')).trim().split('\r\n');
  assert.equal(lines[0], 'run,step,wall_time,x,value,smoothed');
  const byX = new Map(lines.slice(1).map((l) => l.split(',')).map((r) => [Number(r[3]), Number(r[5])]));
  against.x.forEach((x, i) => assert.equal(byX.get(x), against.y[i], `x ${x}: smoothed as drawn`));
  await page.selectOption('#x-axis', 'step');
  await page.locator('#smoothing').fill('0');
});
