// The Jupyter helper end to end: `runlens.show(<TensorBoard logdir>)` runs in a real ipykernel
// (nbclient), the notebook is exported by nbconvert's HTMLExporter, and the exported page,
// opened from file:// in Chromium with the network off, shows the runs' charts in the
// <iframe srcdoc> — the whole app comes from the snapshot template inside the notebook.
// Also runs the helper's Python unit tests. Needs .venv-py/ (scripts/setup_python.sh, run
// after `trunk build --release` so that the installed package carries dist/snapshot.html).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, DIST, launch } from './harness.mjs';

const PY = join(ROOT, '.venv-py/bin/python');
const FIXTURE = join(ROOT, 'crates/core/tests/fixtures/tensorboard/tbx');
const OUTPUT = join(ROOT, 'tests/e2e/output');

/** Runs a command; resolves with its output, rejects with its output in the message. */
function run(cmd, args, { timeout = 300_000 } = {}) {
  // The installed package's own template is under test: no override from the environment.
  const env = { ...process.env };
  delete env.RUNLENS_SNAPSHOT;
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: ROOT, env, timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed (${err.code ?? err.signal}):\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

let tmp, browser;

before(async () => {
  assert.ok(existsSync(PY), `${PY} is missing: run scripts/setup_python.sh (CI does, after the build)`);
  tmp = await mkdtemp(join(tmpdir(), 'runlens-notebook-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the helper\'s Python unit tests pass', async () => {
  const { stderr } = await run(PY, ['-m', 'unittest', 'discover', '-s', 'python/tests', '-t', 'python/tests']);
  assert.match(stderr, /\nOK/, stderr);
});

test('the installed runlens package carries the template this build made', async () => {
  const template = join(DIST, 'snapshot.html');
  assert.ok(existsSync(template), `${template} is missing: the build (trunk build --release) makes it`);
  const { stdout } = await run(PY, ['-c', 'import runlens; print(runlens.find_template())']);
  const installed = stdout.trim();
  assert.match(installed, /site-packages\/runlens\/_app\/snapshot\.html$/, `the package data, not ${installed}`);
  const [a, b] = await Promise.all([readFile(installed), readFile(template)]);
  assert.ok(a.equals(b), 'the installed template is dist/snapshot.html: run scripts/setup_python.sh after the build');
});

test('a notebook exported to HTML shows the runs offline, from file://', async () => {
  const html = join(tmp, 'nb.html');
  const { stdout } = await run(PY, ['python/tests/notebook_export.py', html, '--source', FIXTURE, '--ipynb', join(tmp, 'nb.ipynb')]);
  assert.match(stdout, /wrote /);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  // No network: every http(s)/ws request is refused and recorded. The exported page itself
  // links a few CDN scripts (require.js, MathJax, mermaid) that then fail, harmlessly; the
  // app in the iframe must need none.
  const blocked = [];
  await context.route(/^(https?|wss?):/, (route) => {
    blocked.push({ url: route.request().url(), frame: route.request().frame()?.url() });
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.location().url}: ${m.text()}`); });
  // An uncaught error in the app (or its import worker) fails the test at once, not by time-out.
  let failed;
  const crashed = new Promise((_, reject) => { failed = reject; });
  crashed.catch(() => {});
  page.on('pageerror', (e) => { errors.push(String(e)); failed(new Error(`error in the page: ${e.stack ?? e}`)); });
  const unlessCrashed = (p) => Promise.race([p, crashed]);
  await page.goto(pathToFileURL(html).href);

  await page.waitForSelector('.runlens-snapshot iframe[srcdoc]');
  const iframes = await page.$$('.runlens-snapshot iframe[srcdoc]');
  assert.equal(iframes.length, 2, 'one iframe per show() cell');
  const [charts, table] = await Promise.all(iframes.map((f) => f.contentFrame()));

  // Cell 1, view="charts": the fixture's tags are charted, one trace per run (the hparams
  // child runs are attached to their parents).
  const chart = 'figure.chart[data-tag="accuracy"] .js-plotly-plot';
  await unlessCrashed(charts.waitForFunction((sel) => document.querySelector(sel)?.data?.length > 0, chart, { timeout: 90_000 }));
  const names = await charts.$eval(chart, (d) => d.data.map((t) => t.name));
  for (const run of ['run_a', 'run_b']) {
    assert.ok(names.some((n) => String(n).includes(run)), `a trace of ${run} in ${JSON.stringify(names)}`);
  }
  // Every scalar tag has its chart (drawn when scrolled into view).
  const tags = await charts.$$eval('figure.chart[data-tag]', (fs) => fs.map((f) => f.dataset.tag));
  for (const tag of ['accuracy', 'loss/train', 'loss/val']) assert.ok(tags.includes(tag), `${tag} in ${tags}`);
  assert.equal(await charts.$('#runs-table'), null, 'the charts view has no runs table');
  // The iframe is as tall as show(height=500) asked.
  const box = await iframes[0].boundingBox();
  assert.ok(Math.abs(box.height - 500) < 2, `iframe height ${box.height}`);

  // Cell 2, view="table": the runs by name, in a database of its own.
  await unlessCrashed(table.waitForSelector('#runs-table tr[data-run="tensorboard:run_b"]', { timeout: 90_000 }));
  const rows = await table.$$eval('#runs-table tr[data-run]', (trs) => trs.map((tr) => tr.innerText));
  for (const run of ['run_a', 'run_b']) {
    assert.ok(rows.some((r) => r.includes(run)), `${run} shown in the table: ${JSON.stringify(rows)}`);
  }
  assert.equal(await table.$('figure.chart'), null, 'the table view has no charts');

  await mkdir(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'notebook.png'), fullPage: true });

  // The only requests that went out (and failed) are the exported page's own CDN links.
  const fromApp = blocked.filter((b) => b.frame !== pathToFileURL(html).href);
  assert.deepEqual(fromApp, [], 'the app asked the network for nothing');
  const appErrors = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e));
  assert.deepEqual(appErrors, [], 'no errors in the app');
  await context.close();
});

test('runlens.save: a standalone page, a file name with <script> and quotes shown as text', async () => {
  const page_ = join(tmp, 'save.html');
  const name = 'evil<!--<script>"q\'';
  const code = `import runlens, sys
runlens.save({"runs/" + sys.argv[1] + ".csv": "step,loss\\n0,1\\n1,0.5\\n"}, sys.argv[2], view="table", title="</script><b>t")`;
  await run(PY, ['-c', code, name, page_]);
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await page.goto(pathToFileURL(page_).href);
  await page.waitForSelector('#runs-table tr[data-run]', { timeout: 90_000 });
  const rows = await page.$$eval('#runs-table tr[data-run]', (trs) => trs.map((tr) => tr.innerText));
  assert.ok(rows.some((r) => r.includes(name)), `${name} in ${JSON.stringify(rows)}`);
  // The title rode in the same JSON: nothing of it leaked into the page as markup.
  assert.equal(await page.evaluate(() => document.body.innerHTML.includes('<b>t')), false);
  assert.deepEqual(errors, []);
  await context.close();
});
