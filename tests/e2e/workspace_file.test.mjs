// Workspace export and import: a workspace arranged by the user (pinned, renamed, recoloured,
// hidden and unticked runs, smoothing) is exported as one .runlens.json file and imported
// into a fresh browser (empty IndexedDB and localStorage), which then shows the same runs
// table, the same chart values and holds the same stored records; re-importing does not
// duplicate; a damaged workspace file is named and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp, DIST, FIXTURES } from './harness.mjs';

const ROOT = join(FIXTURES, '..');
let server, browser, dir;
/** The exported file, and what the first browser showed and stored when exporting it. */
let exported, original;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlens-workspace-'));
  server = await serve({ '/': DIST, '/shared/': dir });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  return openApp(context, server.url);
}

/** Imports through an input and waits for this import's summary (or its failure). */
async function importThrough(page, input, files) {
  const dismiss = page.locator('.import-status button.link');
  if (await dismiss.count()) await dismiss.click();
  await page.setInputFiles(input, files);
  await page.waitForSelector('#import-summary, .import-status.failed, .table-preview', { timeout: 30_000 });
  if (await page.locator('.table-preview').count()) {
    await page.click('#preview-import');
    await page.waitForSelector('#import-summary, .import-status.failed', { timeout: 30_000 });
  }
  return page.locator('.import-status').innerText();
}

const names = (page) => page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => tr.children[2].textContent));

async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return file;
}

const downloadText = async (page, selector) => readFile(await (await download(page, selector)).path(), 'utf8');

/** What a user sees: table rows (names in order, ticked or not), the table's and a chart's CSV, the view. */
async function shown(page) {
  await page.waitForSelector('figure.chart[data-tag="loss/train"]');
  return {
    names: await names(page),
    ticked: await page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => [tr.dataset.run, tr.querySelector('input[type=checkbox]').checked])),
    swatch: await page.locator('tr[data-run="tensorboard:run_a"] label.swatch').evaluate((el) => el.style.background),
    matrices: await page.locator('tr[data-run] td.has-matrix').count(),
    tableCsv: await downloadText(page, '#export-csv'),
    chartCsv: await downloadText(page, 'figure.chart[data-tag="loss/train"] button.export-chart'),
    smoothing: await page.inputValue('#smoothing'),
  };
}

/** Every record the app stored, but the import reports (those differ by design). */
function stored(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('runlens');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = ['runs', 'series', 'artifacts', 'models', 'data_versions'];
      const tx = db.transaction(names);
      const out = {};
      for (const name of names) {
        const keys = tx.objectStore(name).getAllKeys();
        const values = tx.objectStore(name).getAll();
        values.onsuccess = () => {
          out[name] = keys.result.map((k, i) => {
            const v = values.result[i];
            return [k, typeof v === 'string' ? v : { steps: [...v.steps], walls: [...v.walls], values: [...v.values] }];
          });
        };
      }
      tx.oncomplete = () => { db.close(); resolve(out); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

test('an arranged workspace exports as one .runlens.json file', async () => {
  const { page, errors } = await freshPage();
  assert.match(await importThrough(page, '#folder-input', join(FIXTURES, 'tbx')), /Imported 4 runs/);
  assert.match(await importThrough(page, '#folder-input', join(ROOT, 'mlflow/filestore')), /Imported \d+ runs/);
  assert.match(await importThrough(page, '#folder-input', join(ROOT, 'dvc')), /Imported \d+ runs/);

  await page.locator('tr[data-run="tensorboard:run_b"] button[title="Pin to the top"]').click();
  await page.locator('tr[data-run="tensorboard:run_a"] td:nth-child(3)').dblclick();
  await page.fill('input.rename', 'baseline (lr 0.01)');
  await page.press('input.rename', 'Enter');
  await page.locator('tr[data-run="tensorboard:run_a"] input[type=color]').evaluate((input) => {
    input.value = '#123456';
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.locator('tr[data-run="tensorboard:run_a/losses/val"] button[title="Hide from table and charts"]').click();
  await page.locator('tr[data-run="tensorboard:run_a/losses/train"] input[type=checkbox]').uncheck();
  await page.locator('#smoothing').fill('0.9');

  original = { shown: await shown(page), stored: await stored(page) };
  assert.equal(original.shown.names[0], 'run_b', 'pinned');
  assert.ok(original.shown.names.includes('baseline (lr 0.01)'), 'renamed');
  assert.ok(!original.shown.names.includes('run_a/losses/val'), 'hidden');
  assert.ok(original.shown.matrices >= 1, 'runs holding a confusion matrix (MLflow, dvclive)');
  assert.ok(original.stored.models.length >= 1, 'a registered model');
  assert.ok(original.stored.data_versions.length >= 1, 'a data version');

  const file = await download(page, '#export-workspace');
  assert.match(file.suggestedFilename(), /^runlens-workspace-\d{4}-\d\d-\d\d\.runlens\.json$/);
  exported = join(dir, file.suggestedFilename());
  await file.saveAs(exported);
  const text = await readFile(exported, 'utf8');
  assert.ok(text.startsWith('{"runlens_workspace":1,'), text.slice(0, 80));
  await page.waitForSelector('#export-workspace:not([disabled])');
  assert.equal(await page.locator('#export-error').count(), 0);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('imported into a fresh browser it shows and stores the same workspace, and re-importing does not duplicate', async () => {
  assert.ok(exported, 'the export test ran');
  const { page, errors } = await freshPage();
  assert.match(await page.locator('main').innerText(), /Drop your runs/, 'an empty browser');
  const summary = await importThrough(page, '#file-input', exported);
  assert.match(summary, new RegExp(`Imported ${original.stored.runs.length} runs`));
  assert.doesNotMatch(summary, /ignored/);

  const again = await shown(page);
  assert.deepEqual(again, original.shown);
  assert.equal(again.smoothing, '0.9');
  assert.match(again.swatch, /18, 52, 86/, 'recoloured');
  assert.deepEqual(again.ticked.find(([id]) => id === 'tensorboard:run_a/losses/train'), ['tensorboard:run_a/losses/train', false], 'still unticked');
  assert.deepEqual(await stored(page), original.stored);

  // The settings were kept in this browser: a reload shows the same.
  await page.reload();
  await page.waitForSelector('#runs-table');
  assert.deepEqual(await names(page), original.shown.names);
  assert.equal(await page.inputValue('#smoothing'), '0.9');

  // Runs keep their ids: a second import replaces them.
  await importThrough(page, '#file-input', exported);
  assert.deepEqual(await names(page), original.shown.names);
  assert.deepEqual(await stored(page), original.stored);
  assert.deepEqual(errors, []);
  await page.context().close();
});

test('a workspace file loads from a URL (?src=) with its settings', async () => {
  assert.ok(exported, 'the export test ran');
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const name = exported.split('/').pop();
  const { page, errors } = await openApp(context, `${server.url}?src=shared/${name}`);
  await page.waitForSelector('#import-summary', { timeout: 30_000 });
  await page.waitForSelector('#runs-table');
  assert.deepEqual(await names(page), original.shown.names);
  assert.equal(await page.inputValue('#smoothing'), '0.9');
  assert.deepEqual(errors, []);
  await context.close();
});

test('settings that no longer read are ignored and named; the runs and the other settings still apply', async () => {
  assert.ok(exported, 'the export test ran');
  const text = await readFile(exported, 'utf8');
  const edited = join(dir, 'edited.runlens.json');
  assert.ok(text.includes('"smoothing":0.9'));
  await writeFile(edited, text.replace('"smoothing":0.9', '"smoothing":"high"'));
  const { page } = await freshPage();
  const summary = await importThrough(page, '#file-input', edited);
  assert.match(summary, new RegExp(`Imported ${original.stored.runs.length} runs`));
  assert.match(summary, /edited\.runlens\.json: its chart view settings were ignored \(invalid type: string "high", expected f64/);
  await page.waitForSelector('#runs-table');
  assert.deepEqual(await names(page), original.shown.names, 'pins, renames and hidden runs applied');
  assert.equal(await page.inputValue('#smoothing'), '0.6', 'the default view');
  await page.context().close();
});

test('a damaged workspace file is named with what is wrong, and nothing is stored', async () => {
  assert.ok(exported, 'the export test ran');
  const text = await readFile(exported, 'utf8');
  const cut = join(dir, 'cut.runlens.json');
  await writeFile(cut, text.slice(0, Math.floor(text.length * 0.6)));
  const newer = join(dir, 'newer.runlens.json');
  await writeFile(newer, text.replace('{"runlens_workspace":1,', '{"runlens_workspace":7,'));

  const { page } = await freshPage();
  const summary = await importThrough(page, '#file-input', [cut, newer]);
  assert.match(summary, /Imported 0 runs/);
  assert.match(summary, /cut\.runlens\.json: the file is cut short \(line \d+, column \d+\): nothing was imported/);
  assert.match(summary, /newer\.runlens\.json: workspace format 7 was written by a newer runlens/);
  const records = await stored(page);
  for (const [store, rows] of Object.entries(records)) assert.equal(rows.length, 0, `${store} is empty`);
  assert.match(await page.locator('main').innerText(), /Drop your runs/);
  assert.equal(await page.evaluate(() => localStorage.getItem('runlens.view.v1')), null, 'no settings applied');
  await page.context().close();
});
