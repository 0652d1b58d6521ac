// The table preview, read in the import worker: only the CSVs the registry gives the table
// reader are offered (not an MLflow run's artifact), a changed delimiter or header flag is
// read again there, and the corrected layout is what imports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp } from './harness.mjs';

let server, browser, page, errors, dir;

before(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'runlens-preview-')), 'drop');
  const artifacts = join(dir, 'mlruns/0/0123456789abcdef0123456789abcdef/artifacts');
  await mkdir(artifacts, { recursive: true });
  await writeFile(join(dir, 'plain.csv'), 'step;loss;lr\n0;1,5;0,1\n1;1,25;0,1\n2;1,125;0,1\n');
  await writeFile(join(artifacts, 'metrics.csv'), 'step,loss\n0,1\n1,0.5\n');
  server = await serve();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  ({ page, errors } = await openApp(context, server.url));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const names = () => page.locator('.preview-file thead .col-name').allInnerTexts();
const roles = () => page.locator('.preview-file select.role').evaluateAll((ss) => ss.map((s) => s.selectedOptions[0].textContent));

test('the preview offers the plain CSV only, reads it again for another delimiter or header, and imports the corrected layout', async () => {
  await page.setInputFiles('#folder-input', dir);
  await page.waitForSelector('.table-preview');
  const files = await page.locator('.preview-file h3').allInnerTexts();
  assert.deepEqual(files, ['drop/plain.csv'], 'an MLflow artifact is not a generic table');
  assert.deepEqual(await names(), ['step', 'loss', 'lr']);
  assert.deepEqual(await roles(), ['step', 'metric', 'metric']);

  await page.selectOption('.preview-file select.delimiter', String('\t'.charCodeAt(0)));
  await page.waitForFunction(() => document.querySelectorAll('.preview-file thead .col-name').length === 1);
  assert.deepEqual(await names(), ['step;loss;lr']);
  await page.selectOption('.preview-file select.delimiter', String(';'.charCodeAt(0)));
  await page.waitForFunction(() => document.querySelectorAll('.preview-file thead .col-name').length === 3);
  assert.deepEqual(await roles(), ['step', 'metric', 'metric']);

  await page.uncheck('.preview-file input.has-header');
  await page.waitForFunction(() => document.querySelector('.preview-file thead .col-name').textContent === 'column_1');
  assert.equal(await page.locator('.preview-file tbody tr').count(), 4, 'the header row is data now');
  await page.check('.preview-file input.has-header');
  await page.waitForFunction(() => document.querySelector('.preview-file thead .col-name').textContent === 'step');

  await page.selectOption('.preview-file select.role[data-column="lr"]', { label: 'ignored' });
  await page.click('#preview-import');
  await page.waitForSelector('#import-summary', { timeout: 30_000 });
  await page.locator('figure.chart[data-tag="loss"]').first().waitFor();
  assert.equal(await page.locator('figure.chart[data-tag="lr"]').count(), 0, 'the ignored column is not a metric');
  assert.deepEqual(errors, []);
});
