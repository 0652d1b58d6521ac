// Confusion matrices from the sources that hold no matrix artifact of their own: TensorBoard
// 2-D tensors (one matrix per step, labels from the tag's metadata, a bad tensor named in the
// import summary), MLflow's per_class_metrics.csv from mlflow.evaluate (its per-class table
// and the note that no full matrix exists), and matrix files dropped on their own (a CSV alone
// imports without the table preview; a folder of them makes one run per folder with a step
// each, broken files named). The clustered class order regroups interleaved confused pairs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp, FIXTURES } from './harness.mjs';

const ROOT = join(FIXTURES, '..');
let server, browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page (its own IndexedDB). */
async function freshPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  return openApp(context, server.url);
}

async function waitSummary(page) {
  await page.waitForSelector('#import-summary, .import-status.failed', { timeout: 60_000 });
  return page.locator('.import-status').innerText();
}

async function openConfusion(page) {
  await page.click('button[data-tab="Confusion matrices"]');
  await page.waitForSelector('#confusion-view');
}

/** Selects the matrix whose option text includes every part; returns the option texts. */
async function selectMatrix(page, ...parts) {
  const options = await page.$$eval('#matrix-select option', (os) => os.map((o) => o.textContent));
  const label = options.find((o) => parts.every((p) => o.includes(p)));
  assert.ok(label, `no option with ${parts.join(' + ')} in ${options.join(' | ')}`);
  await page.selectOption('#matrix-select', { label });
  return options;
}

const heatmap = (page) => page.evaluate(() => {
  const d = document.getElementById('confusion-heatmap').data[0];
  return { x: d.x, y: d.y, z: d.z };
});

async function waitHeatmap(page, x) {
  await page.waitForFunction((want) => {
    const d = document.getElementById('confusion-heatmap')?.data?.[0];
    return d?.type === 'heatmap' && JSON.stringify(d.x) === JSON.stringify(want);
  }, x);
  return heatmap(page);
}

test('a TensorBoard event file with confusion tensors: one heatmap per tag and step', async () => {
  const { page, errors } = await freshPage();
  const expected = JSON.parse(await readFile(join(FIXTURES, 'confusion/expected_matrices.json'), 'utf8'));
  await page.setInputFiles('#folder-input', join(FIXTURES, 'confusion'));
  const summary = await waitSummary(page);
  // The 2×3 tensor is named with its file, tag and step; the rest of the file is kept.
  const [file, tag, step] = expected.warnings[0];
  assert.ok(summary.includes(`confusion/${file}: confusion tensor \`${tag}\` at step ${step}: a 2×3 tensor`), summary);
  assert.equal(await page.locator('tr[data-run] td.has-matrix').count(), 2, 'both TensorBoard runs are marked');

  await openConfusion(page);
  const options = await selectMatrix(page, 'eval — tensorboard/eval/confusion_matrix/step_10.json', 'step 10');
  assert.equal(options.length, 8, options.join(' | '));
  const want = expected.runs.eval['eval/confusion_matrix']['10'];
  const got = await waitHeatmap(page, want.labels);
  assert.deepEqual(got.x, ['cat', 'dog', 'bird'], 'labels from the tag metadata');
  assert.deepEqual(got.z, want.matrix);

  // The slider walks the run's matrices in step order; tensors without labels show 0..n-1.
  await selectMatrix(page, 'eval — tensorboard/test/confusion/step_10.json');
  const test4 = await waitHeatmap(page, ['0', '1', '2', '3']);
  assert.deepEqual(test4.z, expected.runs.eval['test/confusion']['10'].matrix);
  await selectMatrix(page, 'train — tensorboard/train/confusion/step_0.json');
  await page.locator('#matrix-step').fill('2');
  await page.waitForFunction(() => document.querySelector('#matrix-select').selectedOptions[0].textContent.includes('step_2.json'));
  const z = (await heatmap(page)).z;
  assert.deepEqual(z, expected.runs.train['train/confusion']['2'].matrix);
  assert.deepEqual(errors, []);
});

test("MLflow's per_class_metrics.csv: the per-class table, and no full matrix", async () => {
  const { page, errors } = await freshPage();
  const expected = JSON.parse(await readFile(join(ROOT, 'mlflow/evaluate/expected.json'), 'utf8'));
  await page.setInputFiles('#folder-input', join(ROOT, 'mlflow/evaluate'));
  await waitSummary(page);
  assert.equal(await page.locator('tr[data-run] td.has-matrix').count(), 1);
  await openConfusion(page);
  await selectMatrix(page, 'logreg-eval — per_class_metrics.csv', '[per-class only]');
  await page.waitForSelector('#per-class-note');
  const note = await page.locator('#per-class-note').innerText();
  assert.match(note, /not a full matrix/);
  assert.match(note, /confusion_matrix\.png/);
  assert.equal(await page.locator('#confusion-heatmap').count(), 0, 'no heatmap without a matrix');
  assert.equal(await page.locator('#matrix-compare').count(), 0);

  const headers = await page.locator('#per-class thead th').allInnerTexts();
  assert.deepEqual(headers.slice(0, 9), ['Class', 'Support', 'Precision', 'Recall', 'F1', 'TP', 'FP', 'FN', 'TN']);
  assert.ok(headers.includes('roc_auc'), headers.join());
  for (const label of expected.labels) {
    const want = expected.per_class[label];
    const cells = await page.locator(`#per-class tr[data-class="${label}"] td`).allInnerTexts();
    assert.equal(Number(cells[1]), want.support, `${label} support`);
    assert.equal(cells[2], want.precision.toFixed(4), `${label} precision`);
    assert.equal(cells[3], want.recall.toFixed(4), `${label} recall`);
    assert.equal(cells[4], want.f1.toFixed(4), `${label} f1`);
    assert.deepEqual(cells.slice(5, 9).map(Number), [want.true_positives, want.false_positives, want.false_negatives, want.true_negatives]);
  }
  const foot = async (row) => page.locator(`#per-class tr[data-row="${row}"] td`).allInnerTexts();
  assert.equal((await foot('accuracy'))[3], expected.accuracy.toFixed(4));
  assert.equal((await foot('macro'))[3], expected.macro['f1-score'].toFixed(4));
  assert.equal((await foot('weighted'))[1], expected.weighted.precision.toFixed(4));
  assert.deepEqual(errors, []);
});

test('a confusion CSV dropped alone: no table preview, a heatmap; the clustered order regroups confused classes', async () => {
  const { page, errors } = await freshPage();
  const expected = JSON.parse(await readFile(join(ROOT, 'confusion/expected.json'), 'utf8'));
  const want = expected.files['standalone/eval/epoch_1/confusion_matrix.csv'];
  await page.setInputFiles('#file-input', join(ROOT, 'confusion/standalone/eval/epoch_1/confusion_matrix.csv'));
  const summary = await waitSummary(page);
  assert.equal(await page.locator('.table-preview').count(), 0, 'not offered as a generic table');
  assert.match(summary, /Imported 1 runs/);
  const name = await page.locator('tr[data-run] td.has-matrix').innerText();
  assert.match(name, /confusion_matrix/);

  await openConfusion(page);
  const got = await waitHeatmap(page, want.labels);
  assert.deepEqual(got.x, ['cat', 'bird', 'dog', 'frog']);
  assert.deepEqual(got.z, want.matrix);

  // cat/dog and bird/frog are confused with each other but logged interleaved.
  const options = await page.$$eval('#class-order option', (os) => os.map((o) => o.textContent));
  assert.ok(options.some((o) => o.startsWith('clustered')), options.join());
  await page.selectOption('#class-order', 'clustered');
  await page.waitForFunction(() => document.getElementById('confusion-heatmap').data[0].x.join() !== 'cat,bird,dog,frog');
  const { x, y, z } = await heatmap(page);
  assert.deepEqual(x, y, 'rows and columns in the same order');
  const pos = (l) => x.indexOf(l);
  assert.equal(Math.abs(pos('cat') - pos('dog')), 1, x.join());
  assert.equal(Math.abs(pos('bird') - pos('frog')), 1, x.join());
  // The cells moved with their labels.
  const at = (a, p) => want.matrix[want.labels.indexOf(a)][want.labels.indexOf(p)];
  assert.equal(z[pos('dog')][pos('cat')], at('dog', 'cat'));
  assert.deepEqual(errors, []);
});

test('a folder of matrix files: one run per folder with a step each; broken files named', async () => {
  const { page, errors } = await freshPage();
  const expected = JSON.parse(await readFile(join(ROOT, 'confusion/expected.json'), 'utf8'));
  await page.setInputFiles('#folder-input', join(ROOT, 'confusion/standalone'));
  const summary = await waitSummary(page);
  for (const [file, why] of Object.entries(expected.errors)) {
    assert.ok(summary.includes(`${file}: not a readable confusion matrix`) && summary.includes(why), `${file}: ${summary}`);
  }
  const names = await page.$$eval('#runs-table tbody tr[data-run]', (trs) => trs.map((tr) => tr.children[2].textContent).sort());
  assert.deepEqual(names, expected.runs);

  await openConfusion(page);
  await selectMatrix(page, 'eval — epoch_1/confusion_matrix.csv', 'step 1');
  await page.waitForSelector('#matrix-step');
  assert.equal(await page.locator('#matrix-step').getAttribute('max'), '2', 'three steps in run eval');
  await page.locator('#matrix-step').fill('2');
  await page.waitForFunction(() => document.querySelector('#matrix-select').selectedOptions[0].textContent.includes('cm_epoch3.json'));
  const got = await heatmap(page);
  assert.deepEqual(got.z, expected.files['standalone/eval/cm_epoch3.json'].matrix);
  assert.deepEqual(errors, []);
});
