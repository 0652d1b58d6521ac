// The runs table as a user arranges it: columns chosen and reordered, min/max per metric,
// runs pinned, hidden, renamed and recoloured (all kept across reloads), "draw all" acting
// on the filtered runs, and thousands of runs rendered a screenful at a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp, FIXTURES } from './harness.mjs';

let server, browser, page;

before(async () => {
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  ({ page } = await openApp(context, server.url));
  await page.setInputFiles('#folder-input', join(FIXTURES, 'tbx'));
  await page.waitForSelector('#import-summary');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const names = () => page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => tr.children[2].textContent.replace(/^↳ /, '')));

async function exportCsv() {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const [header, ...rows] = (await readFile(await download.path(), 'utf8')).trim().split('\r\n');
  const keys = header.split(',');
  return { keys, rows: rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], v]))) };
}

test('columns can be hidden, moved and show min or max; the CSV follows', async () => {
  await page.click('#choose-columns');
  await page.locator('#column-chooser li[data-key="source"] input').uncheck();
  await page.locator('#column-chooser li[data-key="params.optimizer"] button[title="Move left"]').click();
  await page.selectOption('th[data-key="metrics.loss/train"] select.stat', 'min');
  const { keys, rows } = await exportCsv();
  assert.ok(!keys.includes('source'), 'hidden column not exported');
  assert.ok(keys.indexOf('params.optimizer') < keys.indexOf('params.lr'), 'moved left of lr');
  assert.ok(keys.includes('metrics.loss/train:min'));
  const want = JSON.parse(await readFile(join(FIXTURES, 'tbx/expected.json'), 'utf8'));
  const min = Math.min(...want.run_a['loss/train'].map((p) => p[1]));
  assert.equal(Number(rows.find((r) => r.name === 'run_a')['metrics.loss/train:min']), min);
  await page.click('#column-chooser .chooser-head button');
  await page.click('#choose-columns');
});

test('pin, rename and recolour a run; hide another; all kept after a reload', async () => {
  await page.locator('tr[data-run="tensorboard:run_b"] button[title="Pin to the top"]').click();
  assert.equal((await names())[0], 'run_b');

  await page.locator('tr[data-run="tensorboard:run_a"] td:nth-child(3)').dblclick();
  await page.fill('input.rename', 'baseline (lr 0.01)');
  await page.press('input.rename', 'Enter');
  assert.ok((await names()).includes('baseline (lr 0.01)'));

  await page.locator('tr[data-run="tensorboard:run_a"] input[type=color]').evaluate((input) => {
    input.value = '#123456';
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.waitForFunction(() => document.querySelector('tr[data-run="tensorboard:run_a"] label.swatch').style.background.includes('18, 52, 86'));
  // The chart draws the run in its new colour.
  await page.waitForFunction(() => [...document.querySelectorAll('figure.chart[data-tag="loss/train"] .scatterlayer path.js-line')]
    .some((p) => (p.getAttribute('style') || '').includes('rgb(18, 52, 86)')));

  await page.locator('tr[data-run="tensorboard:run_a/losses/val"] button[title="Hide from table and charts"]').click();
  assert.ok(!(await names()).includes('run_a/losses/val'));

  await page.reload();
  await page.waitForSelector('#runs-table');
  const after = await names();
  assert.equal(after[0], 'run_b', 'still pinned');
  assert.ok(after.includes('baseline (lr 0.01)'), 'still renamed');
  assert.ok(!after.includes('run_a/losses/val'), 'still hidden');
  await page.check('#show-hidden');
  assert.ok((await names()).includes('run_a/losses/val'), 'shown when asked');
  await page.uncheck('#show-hidden');

  const { rows } = await exportCsv();
  assert.equal(rows[0].name, 'run_b');
  assert.ok(rows.some((r) => r.name === 'baseline (lr 0.01)'));
});

test('"draw all" acts on the runs that match the filter', async () => {
  await page.fill('#run-filter', "name ~ 'losses'");
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-run]').length === 1);
  await page.locator('#runs-table thead input[type=checkbox]').uncheck();
  await page.fill('#run-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr[data-run]').length === 3);
  const drawn = await page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => [tr.dataset.run, tr.querySelector('input').checked]));
  assert.deepEqual(Object.fromEntries(drawn), {
    'tensorboard:run_b': true,
    'tensorboard:run_a': true,
    'tensorboard:run_a/losses/train': false,
  });
});

test('thousands of runs: only a screenful of rows is in the page, and scrolling reaches the last', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runlens-many-'));
  const lines = ['run,step,metric,value'];
  for (let r = 0; r < 2000; r++) for (let s = 0; s < 3; s++) lines.push(`run_${String(r).padStart(4, '0')},${s},loss,${(1 / (s + 1 + r / 2000)).toFixed(6)}`);
  await writeFile(join(dir, 'sweep.csv'), lines.join('\n'));
  await page.setInputFiles('#file-input', join(dir, 'sweep.csv'));
  await page.waitForSelector('.table-preview');
  await page.click('#preview-import');
  await page.waitForFunction(() => document.querySelector('#import-summary')?.textContent.includes('2000 runs'));
  await page.fill('#run-filter', "source = 'CSV'");
  await page.waitForFunction(() => document.querySelector('.runs h2').textContent.includes('2000'));
  const rendered = await page.locator('#runs-table tbody tr[data-run]').count();
  assert.ok(rendered < 150, `${rendered} rows rendered`);
  await page.locator('.runs .table-scroll').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForSelector('tr[data-run="csv:sweep.csv#run_1999"]');
  await page.fill('#run-filter', '');
});
