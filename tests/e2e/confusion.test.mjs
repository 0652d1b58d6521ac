// Confusion matrices from W&B and MLflow runs: heatmap with labels, per-class metrics as
// scikit-learn's classification_report computes them, the step slider, the A − B diff and
// the CSV exports; the runs that hold matrices are marked in the table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp, FIXTURES } from './harness.mjs';

const ROOT = join(FIXTURES, '..');
let server, browser, page, errors;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
  ({ page, errors } = await openApp(context, server.url));
  await page.setInputFiles('#folder-input', join(ROOT, 'wandb/offline'));
  await page.waitForSelector('#import-summary');
  await page.setInputFiles('#folder-input', join(ROOT, 'mlflow/filestore'));
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-run]').length >= 8);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** scikit-learn's precision / recall / F1 per class (zero_division = 0). */
function report(labels, m) {
  return labels.map((label, i) => {
    const tp = m[i][i];
    const support = m[i].reduce((a, b) => a + b, 0);
    const predicted = m.reduce((a, row) => a + row[i], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = support + predicted ? (2 * tp) / (support + predicted) : 0;
    return { label, support, precision, recall, f1 };
  });
}

test('runs holding a matrix are marked; the heatmap and per-class metrics match scikit-learn', async () => {
  assert.equal(await page.locator('tr[data-run] td.has-matrix').count(), 2, 'baseline (MLflow) and baseline-cnn (W&B)');
  await page.click('button[data-tab="Confusion matrices"]');
  await page.waitForSelector('#confusion-view');
  const options = await page.$$eval('#matrix-select option', (os) => os.map((o) => o.textContent));
  assert.ok(options.some((o) => o.includes('confusion_matrix.json')), options.join());
  assert.ok(options.some((o) => o.includes('.table.json') && o.includes('step 149')), options.join());

  const logged = JSON.parse(await readFile(join(ROOT, 'mlflow/filestore/mlruns/681744240005176087/f6f8faa511644a68b0cceab1ea91aba9/artifacts/confusion_matrix.json'), 'utf8'));
  await page.selectOption('#matrix-select', { label: options.find((o) => o.includes('confusion_matrix.json')) });
  await page.waitForFunction(() => document.getElementById('confusion-heatmap')?.data?.[0]?.type === 'heatmap');
  const heat = await page.evaluate(() => { const d = document.getElementById('confusion-heatmap').data[0]; return { x: d.x, z: d.z }; });
  assert.deepEqual(heat.x, logged.labels);
  assert.deepEqual(heat.z, logged.matrix);

  for (const r of report(logged.labels, logged.matrix)) {
    const cells = await page.locator(`#per-class tr[data-class="${r.label}"] td`).allInnerTexts();
    assert.equal(Number(cells[1]), r.support, `${r.label} support`);
    assert.equal(cells[2], r.precision.toFixed(4), `${r.label} precision`);
    assert.equal(cells[3], r.recall.toFixed(4), `${r.label} recall`);
    assert.equal(cells[4], r.f1.toFixed(4), `${r.label} f1`);
  }
  const total = logged.matrix.flat().reduce((a, b) => a + b, 0);
  const accuracy = logged.labels.reduce((a, _, i) => a + logged.matrix[i][i], 0) / total;
  assert.equal((await page.locator('#per-class tr[data-row="accuracy"] td').allInnerTexts())[3], accuracy.toFixed(4));
});

test('row-normalised view, the step slider, and the A − B diff with per-class deltas', async () => {
  await page.selectOption('#matrix-normalize', 'rows');
  await page.waitForFunction(() => document.getElementById('confusion-heatmap').data[0].z.every((row) => Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9 || row.every((v) => v === 0)));
  await page.selectOption('#matrix-normalize', 'counts');

  // The MLflow run holds two matrices: the slider walks between them.
  const before = await page.inputValue('#matrix-select');
  await page.locator('#matrix-step').fill('1');
  await page.waitForFunction((b) => document.getElementById('matrix-select').value !== b, before);

  const options = await page.$$eval('#matrix-compare option', (os) => os.map((o) => [o.value, o.textContent]));
  const wandb = options.find(([, t]) => t.includes('.table.json'));
  await page.selectOption('#matrix-compare', wandb[0]);
  await page.waitForFunction(() => document.getElementById('confusion-heatmap').data[0].zmid === 0);
  assert.equal(await page.locator('#per-class thead th').count(), 8, 'delta columns');
  assert.match(await page.locator('.heatmap-panel h3').innerText(), /Largest changes/);
  await page.selectOption('#matrix-compare', '');
});

test('exports: the matrix and the per-class table as CSV', async () => {
  const [matrix] = await Promise.all([page.waitForEvent('download'), page.click('#export-matrix-csv')]);
  const lines = (await readFile(await matrix.path(), 'utf8')).trim().split('\r\n');
  const z = await page.evaluate(() => document.getElementById('confusion-heatmap').data[0].z);
  assert.equal(lines.length, z.length + 1);
  assert.deepEqual(lines[1].split(',').slice(1).map(Number), z[0]);
  const [perClass] = await Promise.all([page.waitForEvent('download'), page.click('#export-per-class-csv')]);
  const rows = (await readFile(await perClass.path(), 'utf8')).trim().split('\r\n');
  assert.equal(rows[0], 'class,support,precision,recall,f1');
  assert.equal(rows.length, z.length + 1);
  assert.deepEqual(errors, []);
});

test('classes can be reordered on both axes; the per-class table sorts', async () => {
  await page.selectOption('#class-order', 'by name');
  await page.waitForFunction(() => {
    const x = document.getElementById('confusion-heatmap').data[0].x;
    return x.join() === [...x].sort().join();
  });
  const { x, y } = await page.evaluate(() => { const d = document.getElementById('confusion-heatmap').data[0]; return { x: d.x, y: d.y }; });
  assert.deepEqual(x, y, 'rows and columns in the same order');
  await page.selectOption('#class-order', 'as logged');
  await page.click('#per-class th:has-text("Recall")');
  const recalls = await page.$$eval('#per-class tbody tr td:nth-child(4)', (tds) => tds.map((t) => Number(t.textContent)));
  assert.deepEqual(recalls, [...recalls].sort((a, b) => b - a));
});
