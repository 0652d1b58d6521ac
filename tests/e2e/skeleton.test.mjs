// End to end against the built dist/: a TensorBoard logdir through the folder input,
// the runs table, charts, CSV export, persistence across reload, corrupt files, drop,
// deletion and the demo workspace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp, FIXTURES, ROOT } from './harness.mjs';

let server, browser, context, page, errors;

before(async () => {
  server = await serve();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  ({ page, errors } = await openApp(context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const expected = async (scenario, file = 'expected.json') => JSON.parse(await readFile(join(FIXTURES, scenario, file), 'utf8'));

/** Run names in the table, in display order. */
async function tableRuns() {
  return page.$$eval('#runs-table tbody tr', (rows) => rows.map((r) => r.children[2].textContent));
}

/** Parses the CSV the app exports (RFC 4180, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r') continue;
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

async function importFolder(dir) {
  await page.setInputFiles('#folder-input', dir);
  await page.waitForSelector('#import-summary, .import-status.failed', { timeout: 30_000 });
  return page.locator('.import-status').innerText();
}

test('a logdir picked with the folder input shows every run, its hparams and charts', async () => {
  const summary = await importFolder(join(FIXTURES, 'tbx'));
  assert.match(summary, /Imported 4 runs/);
  // The add_hparams child runs (named by time.time()) are merged into their parents.
  assert.deepEqual(await tableRuns(), ['run_a', 'run_a/losses/train', 'run_a/losses/val', 'run_b']);

  const headers = await page.$$eval('#runs-table thead tr:nth-child(2) th', (ths) => ths.map((t) => t.textContent));
  for (const h of ['lr', 'optimizer', 'use_bn', 'loss/train', 'loss/val', 'accuracy', 'losses']) {
    assert.ok(headers.some((x) => x.startsWith(h)), `column ${h} in ${headers}`);
  }
  assert.match(await page.locator('tr[data-run="tensorboard:run_a"]').innerText(), /adam/);

  // One chart per tag, grouped by prefix; loss/train overlays both runs (raw + smoothed).
  const chart = page.locator('figure.chart[data-tag="loss/train"]');
  await chart.locator('.scatterlayer .trace').first().waitFor();
  assert.equal(await chart.locator('.scatterlayer .trace').count(), 4, 'two runs, raw and smoothed each');
  assert.ok(await page.locator('details.chart-group summary', { hasText: 'loss' }).count() >= 1);
  assert.deepEqual(errors, []);
});

test('Export CSV writes the table at full precision, matching what the writer wrote', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const rows = parseCsv(await readFile(await download.path(), 'utf8'));
  const want = await expected('tbx');
  const hparams = (await expected('tbx', 'expected_hparams.json'))._hparams;
  assert.equal(rows.length, 4);
  for (const row of rows) {
    const series = want[row.name];
    assert.ok(series, `run ${row.name} expected`);
    for (const [tag, points] of Object.entries(series)) {
      const last = points[points.length - 1][1];
      assert.equal(Number(row[`metrics.${tag}`]), last, `${row.name} ${tag}`);
    }
    for (const [k, v] of Object.entries(hparams[row.name] ?? {})) {
      assert.equal(row[`params.${k}`], String(v), `${row.name} params.${k}`);
    }
  }
  const runA = rows.find((r) => r.name === 'run_a');
  assert.equal(Number(runA['metrics.hparam/accuracy']), 0.8999999761581421, 'add_hparams metric attached to run_a');
  assert.equal(Number(runA.points), 50 + 50 + 11 + 1);
});

test('the smoothing slider, x axis and log scale redraw charts and persist', async () => {
  await page.locator('#smoothing').fill('0');
  const chart = page.locator('figure.chart[data-tag="loss/train"]');
  await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-tag="loss/train"] .scatterlayer .trace').length === 2);
  await page.selectOption('#x-axis', 'wall');
  await page.check('#log-y');
  await chart.locator('.xtitle').filter({ hasText: 'wall time' }).waitFor();
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.equal(await page.inputValue('#smoothing'), '0');
  assert.equal(await page.inputValue('#x-axis'), 'wall');
  assert.ok(await page.isChecked('#log-y'));
  await page.locator('#smoothing').fill('0.6');
  await page.selectOption('#x-axis', 'step');
  await page.uncheck('#log-y');
});

test('after a reload every run and chart is still there', async () => {
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.deepEqual(await tableRuns(), ['run_a', 'run_a/losses/train', 'run_a/losses/val', 'run_b']);
  await page.locator('figure.chart[data-tag="accuracy"] .scatterlayer .trace').first().waitFor();
});

test('the filter query narrows the table and charts, and points at errors', async () => {
  await page.fill('#run-filter', "params.lr = 0.01 and metrics.accuracy > 0.5");
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length === 1);
  assert.deepEqual(await tableRuns(), ['run_a']);
  await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-tag="loss/train"] .scatterlayer .trace').length === 2);
  await page.fill('#run-filter', 'params.lr = ');
  assert.match(await page.locator('.filter-error').innerText(), /column 13/);
  assert.equal(await page.locator('#runs-table tbody tr').count(), 4, 'an invalid query filters nothing');
  await page.fill('#run-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length === 4);
});

test('unticking a run removes it from the charts, and the choice survives a reload', async () => {
  await page.locator('tr[data-run="tensorboard:run_b"] input[type=checkbox]').uncheck();
  const traces = () => page.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').count();
  await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-tag="loss/train"] .scatterlayer .trace').length === 2);
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.equal(await page.locator('tr[data-run="tensorboard:run_b"] input[type=checkbox]').isChecked(), false);
  await page.waitForFunction(() => document.querySelectorAll('figure.chart[data-tag="loss/train"] .scatterlayer .trace').length === 2);
  assert.equal(await traces(), 2);
  await page.locator('tr[data-run="tensorboard:run_b"] input[type=checkbox]').check();
});

test('corrupt and foreign files: a clear message naming each file, every good record kept', async () => {
  const summary = await importFolder(join(FIXTURES, 'corrupt'));
  assert.match(summary, /corrupt\/badcrc\/events\.out\.tfevents\.\d+\.fixturehost: .*1 corrupt record skipped/);
  assert.match(summary, /corrupt\/truncated\/events\.out\.tfevents\.\d+\.fixturehost: .*(truncated|ends inside a record)/i);
  assert.match(summary, /corrupt\/garbage\/events\.out\.tfevents\.0\.garbage: .*not a TensorBoard event file/i);
  assert.match(summary, /corrupt\/notevents\/events\.out\.tfevents\.0\.text: .*not a TensorBoard event file/i);

  const want = await expected('corrupt');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const rows = parseCsv(await readFile(await download.path(), 'utf8'));
  for (const run of ['badcrc', 'truncated']) {
    const row = rows.find((r) => r.name === run);
    assert.ok(row, `${run} imported despite its damage`);
    const total = Object.values(want[run]).reduce((n, pts) => n + pts.length, 0);
    assert.equal(Number(row.points), total, `${run} keeps every good point`);
  }
  // The earlier import is untouched.
  assert.ok(rows.find((r) => r.name === 'run_a'));
});

test('dropping files on the page imports them', async () => {
  const dir = join(FIXTURES, 'resumed/run');
  const first = (await readdir(dir)).filter((n) => n.includes('tfevents')).sort()[0];
  const bytes = await readFile(join(dir, first));
  await page.evaluate(async (data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'events.out.tfevents.1.droppedhost'));
    const target = document.querySelector('.drop-zone');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [...bytes]);
  await page.waitForFunction(() => document.querySelector('#import-summary')?.textContent.includes('Imported 1 runs'));
  assert.ok((await tableRuns()).includes('events.out.tfevents.1.droppedhost'));
});

test('a run can be deleted and the workspace cleared; both persist', async () => {
  await page.locator('tr[data-run="tensorboard:run_b"] button[title="Delete this run"]').click();
  await page.waitForFunction(() => !document.querySelector('tr[data-run="tensorboard:run_b"]'));
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.ok(!(await tableRuns()).includes('run_b'));

  page.once('dialog', (d) => d.accept());
  await page.click('text=Clear workspace');
  await page.waitForSelector('.empty');
  await page.reload();
  await page.waitForSelector('.empty');
});

test('the demo workspace loads with one click', async () => {
  await page.click('text=Load the demo workspace');
  await page.waitForSelector('#import-summary');
  const manifest = JSON.parse(await readFile(join(ROOT, 'assets/demo/manifest.json'), 'utf8'));
  assert.ok(manifest.files.length > 0);
  assert.ok((await tableRuns()).length >= 6);
  await page.locator('figure.chart[data-tag="train/loss"] .scatterlayer .trace').first().waitFor();
  assert.deepEqual(errors, []);
});
