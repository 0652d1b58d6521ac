// End to end, every source: a folder mixing TensorBoard, MLflow, W&B, DVC and a CSV goes
// through the table preview; MLflow's mlflow.db is read in the browser; nested MLflow runs
// show under their parent; bad files are named; re-importing updates instead of duplicating.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp, FIXTURES } from './harness.mjs';

const ROOT_FIXTURES = join(FIXTURES, '..');
let server, browser, page, errors;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  ({ page, errors } = await openApp(context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const rows = () => page.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => ({
  id: tr.dataset.run,
  name: tr.children[2].textContent.replace(/^↳ /, ''),
  source: tr.children[3].textContent,
  nested: tr.children[2].textContent.startsWith('↳'),
})));

async function exportCsv() {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split('\r\n').map(splitCsvLine);
  const [header, ...body] = lines;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

function splitCsvLine(line) {
  const out = []; let field = ''; let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) { if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c; }
    else if (c === '"') quoted = true; else if (c === ',') { out.push(field); field = ''; } else field += c;
  }
  out.push(field);
  return out;
}

async function waitSummary() {
  await page.waitForSelector('#import-summary, .import-status.failed', { timeout: 60_000 });
  return page.locator('.import-status').innerText();
}

test('a folder mixing every source: the CSV preview, then every run from every source', async () => {
  await page.setInputFiles('#folder-input', join(ROOT_FIXTURES, 'mixed'));
  // The plain CSV is held for the preview, with the roles runlens guessed.
  await page.waitForSelector('.table-preview');
  const file = page.locator('.preview-file');
  assert.match(await file.locator('h3').innerText(), /mixed\/metrics\.csv/);
  const roles = await file.locator('select.role').evaluateAll((ss) => ss.map((s) => s.selectedOptions[0].textContent));
  assert.equal(roles[0], 'step');
  await page.click('#preview-import');

  const summary = await waitSummary();
  assert.match(summary, /README\.txt: skipped/);
  const got = await rows();
  const bySource = (s) => got.filter((r) => r.source === s).map((r) => r.name).sort();
  assert.deepEqual(bySource('MLflow'), ['baseline', 'diverged', 'single-point']);
  assert.deepEqual(bySource('W&B'), ['crashed-run']);
  assert.deepEqual(bySource('TensorBoard'), ['tb/run_b']);
  assert.deepEqual(bySource('CSV'), ['metrics']);
  assert.equal(bySource('DVC').length, 1, 'the dvclive folder is a run');

  // The source chips filter the table.
  await page.click('.source-filter button:has-text("MLflow")');
  assert.ok((await rows()).every((r) => r.source !== 'MLflow'));
  await page.click('.source-filter button:has-text("MLflow")');

  // Values exported are the values logged.
  const csv = await exportCsv();
  const want = JSON.parse(await readFile(join(ROOT_FIXTURES, 'mlflow/filestore/expected.json'), 'utf8'));
  const baseline = want.runs.find((r) => r.name === 'baseline');
  const row = csv.find((r) => r.name === 'baseline');
  for (const [key, points] of Object.entries(baseline.metrics)) {
    const last = points[points.length - 1][2];
    const text = row[`metrics.${key}`];
    if (typeof last === 'number') assert.equal(Number(text), last, `baseline ${key}`);
  }
  assert.equal(row.experiment, 'classifier');
  assert.equal(row.status, 'finished');
  assert.deepEqual(errors, []);
});

test('mlflow.db is read in the browser; nested runs show under their parent', async () => {
  page.once('dialog', (d) => d.accept());
  await page.click('text=Clear workspace');
  await page.waitForSelector('.empty');
  await page.setInputFiles('#file-input', join(ROOT_FIXTURES, 'mlflow/sqlite/mlflow.db'));
  const summary = await waitSummary();
  assert.match(summary, /Imported 6 runs/);
  const got = await rows();
  const parentIndex = got.findIndex((r) => r.name === 'sweep-parent');
  assert.ok(parentIndex >= 0);
  assert.deepEqual(got.slice(parentIndex + 1, parentIndex + 3).map((r) => [r.name, r.nested]), [['trial-0', true], ['trial-1', true]]);

  const csv = await exportCsv();
  const want = JSON.parse(await readFile(join(ROOT_FIXTURES, 'mlflow/sqlite/expected.json'), 'utf8'));
  for (const run of want.runs) {
    const row = csv.find((r) => r.name === run.name);
    assert.ok(row, run.name);
    for (const [k, v] of Object.entries(run.params ?? {})) {
      assert.equal(row[`params.${k}`], String(v), `${run.name} params.${k}`);
    }
  }
});

test('re-importing the same store updates its runs instead of duplicating them', async () => {
  const before = (await rows()).length;
  await page.setInputFiles('#file-input', join(ROOT_FIXTURES, 'mlflow/sqlite/mlflow.db'));
  await waitSummary();
  assert.equal((await rows()).length, before);
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.equal((await rows()).length, before);
});

test('bad inputs are named with their line or record; the good parts import', async () => {
  await page.setInputFiles('#file-input', [
    join(ROOT_FIXTURES, 'csv/ragged.csv'),
    join(ROOT_FIXTURES, 'csv/empty.csv'),
    join(ROOT_FIXTURES, 'wandb/corrupt'),
  ].filter((p) => !p.endsWith('corrupt')));
  await page.waitForSelector('.table-preview');
  await page.click('#preview-import');
  const summary = await waitSummary();
  assert.match(summary, /ragged\.csv: .*line \d+/);
  assert.match(summary, /empty\.csv: .*empty/i);

  await page.setInputFiles('#folder-input', join(ROOT_FIXTURES, 'wandb/corrupt'));
  const wandb = await waitSummary();
  assert.match(wandb, /\.wandb: .*(corrupt|CRC|checksum)/i);
  assert.match(wandb, /\.wandb: .*(ends inside|truncat)/i);
});
