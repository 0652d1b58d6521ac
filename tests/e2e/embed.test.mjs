// Embedding and sharing: an iframe host posting files, foreign origins ignored, the view
// in the URL (round trip, back/forward), a snapshot opened from file:// with no network,
// the offline app shell, the Content-Security-Policy and inert user strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp, DIST, FIXTURES } from './harness.mjs';

const RUN_A = 'tbx/run_a/events.out.tfevents.1700000000.fixturehost';
const RUN_B = 'tbx/run_b/events.out.tfevents.1700001000.fixturehost';

let app, host, foreign, browser, tmp;

/** A page on `host` that embeds the app and records every message it gets back. */
const hostPage = (src) => `<!DOCTYPE html><html><body>
<iframe id="app" src="${src}" style="width:1200px;height:800px;border:0"></iframe>
<script>
  window.replies = [];
  addEventListener('message', (e) => { if (e.source === document.getElementById('app').contentWindow) window.replies.push(e.data); });
  window.post = async (files, extra = {}) => {
    const loaded = await Promise.all(files.map(async (path) => ({ path, bytes: await (await fetch('/data/' + path)).arrayBuffer() })));
    document.getElementById('app').contentWindow.postMessage({ type: 'runlens:load', files: loaded, ...extra }, '${new URL(src).origin}');
  };
</script></body></html>`;

/** A page of another origin, framed by the host beside the app, posting to the app frame. */
const FOREIGN = `<!DOCTYPE html><html><body><script>
  window.attack = () => parent.frames[0].postMessage({ type: 'runlens:load', replace: false,
    files: [{ path: 'evil_run/events.out.tfevents.1.evil', base64: 'AAAA' }] }, '*');
  addEventListener('message', (e) => { window.gotReply = e.data; });
</script></body></html>`;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'runlens-embed-'));
  app = await serve({ '/app/': DIST, '/data/': FIXTURES });
  foreign = await serve({ '/': tmp });
  await writeFile(join(tmp, 'foreign.html'), FOREIGN);
  host = await serve({ '/host/': tmp, '/data/': FIXTURES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await Promise.all([app, host, foreign].map((s) => s?.close()));
});

async function hostWith(query, extraFrame = '') {
  const html = hostPage(`${app.url}${query}`).replace('</body>', `${extraFrame}</body>`);
  await writeFile(join(tmp, 'index.html'), html);
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${host.url}index.html`);
  const frame = page.frameLocator('#app');
  await page.waitForFunction(() => window.replies.some((r) => r.type === 'runlens:ready'));
  return { page, frame, context };
}

const waitReply = (page, type) =>
  page.waitForFunction((t) => window.replies.find((r) => r.type === t), type).then((h) => h.jsonValue());

test('an iframe host page posts files and gets the chart, with no app chrome, in the theme asked', async () => {
  const { page, frame, context } = await hostWith('?embed=1&view=charts&theme=dark');
  await page.evaluate(([a, b]) => window.post([a, b], { state: 'smooth=0.3', request: 7 }), [RUN_A, RUN_B]);
  const done = await waitReply(page, 'runlens:done');
  assert.equal(done.runs, 2);
  assert.equal(done.request, 7);
  assert.ok(done.files.every((f) => f.points > 0), JSON.stringify(done.files));
  await frame.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  assert.equal(await frame.locator('.topbar').count(), 0, 'no toolbar in embed mode');
  assert.equal(await frame.locator('#runs-table').count(), 0, 'view=charts shows the charts only');
  assert.equal(await frame.locator('#smoothing').inputValue(), '0.3', 'the posted view state applies');
  assert.equal(await frame.locator('html').getAttribute('data-theme'), 'dark');
  assert.equal(await frame.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(20, 23, 28)');
  await page.screenshot({ path: new URL('./output/embed-dark.png', import.meta.url).pathname });
  assert.ok(await page.evaluate(() => window.replies.some((r) => r.type === 'runlens:progress')));
  await context.close();
});

test('a message from a foreign origin is ignored; the parent is still obeyed', async () => {
  const frameHtml = `<iframe id="foreign" src="${foreign.url}foreign.html"></iframe>`;
  const { page, frame, context } = await hostWith('?embed=1&view=table', frameHtml);
  const foreignFrame = page.frames().find((f) => f.url().startsWith(foreign.url));
  await foreignFrame.waitForFunction(() => typeof window.attack === 'function');
  await foreignFrame.evaluate(() => window.attack());
  // Then the parent posts (without replacing): once that import is done, the foreign one
  // (sent first) would have been handled too.
  await page.evaluate((a) => window.post([a], { replace: false }), RUN_A);
  await waitReply(page, 'runlens:done');
  await frame.locator('#runs-table tbody tr').first().waitFor();
  const names = await frame.locator('#runs-table tbody tr').allInnerTexts();
  assert.equal(names.length, 1);
  assert.ok(names[0].includes('run_a'));
  assert.equal(await foreignFrame.evaluate(() => window.gotReply), undefined, 'no reply to the foreign page');
  await context.close();
});

test('?origin= allow-lists another origin', async () => {
  const frameHtml = `<iframe id="foreign" src="${foreign.url}foreign.html"></iframe>`;
  const { page, frame, context } = await hostWith(`?embed=1&view=table&origin=${encodeURIComponent(foreign.origin)}`, frameHtml);
  const foreignFrame = page.frames().find((f) => f.url().startsWith(foreign.url));
  await foreignFrame.waitForFunction(() => typeof window.attack === 'function');
  await foreignFrame.evaluate(() => window.attack());
  await foreignFrame.waitForFunction(() => window.gotReply?.type === 'runlens:done');
  assert.match(await frame.locator('.import-status, #import-summary').first().textContent(), /evil/);
  await context.close();
});

test('the view is in the URL: a link opens the same view in a fresh browser; back/forward work', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const { page } = await openApp(context, `${app.url}?src=${encodeURIComponent(`/data/${RUN_A}`)}&src=${encodeURIComponent(`/data/${RUN_B}`)}`);
  await page.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  await page.click('button[data-tab="Scatter"]');
  await page.waitForFunction(() => location.hash.includes('tab=scatter'));
  await page.click('button[data-tab="Charts"]');
  await page.check('#log-y');
  await page.selectOption('#smoothing-kind', 'Gaussian');
  await page.fill('#run-filter', "name ~ 'run_a'");
  await page.waitForFunction(() => location.hash.includes('q=') && location.hash.includes('log=1'));
  const link = page.url();
  assert.match(link, /smoothing=gaussian/);

  // A fresh profile (empty storage) opening the link shows the same view.
  const other = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const { page: second } = await openApp(other, link);
  await second.locator('#runs-table tbody tr').first().waitFor();
  assert.equal(await second.isChecked('#log-y'), true);
  assert.equal(await second.inputValue('#smoothing-kind'), 'Gaussian');
  assert.equal(await second.inputValue('#run-filter'), "name ~ 'run_a'");
  assert.equal(await second.locator('#runs-table tbody tr').count(), 1);
  await other.close();

  // Back undoes one change at a time; forward redoes it.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#run-filter').value === '');
  assert.doesNotMatch(page.url(), /q=/);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#smoothing-kind').value !== 'Gaussian');
  assert.equal(await page.inputValue('#smoothing-kind'), 'EMA (TensorBoard)');
  assert.equal(await page.isChecked('#log-y'), true, 'one step back at a time');
  await page.goForward();
  await page.waitForFunction(() => document.querySelector('#smoothing-kind').value === 'Gaussian');
  assert.match(page.url(), /smoothing=gaussian/);
  await context.close();
});

/** The built snapshot template with a payload, as "Export snapshot" and python/ write it. */
async function snapshotWith(paths, extra = {}) {
  const template = await readFile(join(DIST, 'snapshot.html'), 'utf8');
  const files = await Promise.all(paths.map(async (path) => ({ path, base64: (await readFile(join(FIXTURES, path))).toString('base64') })));
  const payload = JSON.stringify({ version: 1, files, ...extra }).replace(/<\//g, '<\\/');
  const slot = '<script type="application/json" id="runlens-payload">null</script>';
  assert.equal(template.split(slot).length, 2, 'the template has one payload slot');
  const file = join(tmp, `snapshot-${paths.length}.html`);
  await writeFile(file, template.replace(slot, () => slot.replace('null', payload)));
  return file;
}

async function offlineContext() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, offline: true });
  const requests = [];
  await context.route(/^https?:/, (route) => { requests.push(route.request().url()); route.abort(); });
  return { context, requests };
}

test('a snapshot opens from file:// with the network blocked and shows the same values', async () => {
  const online = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const { page: live } = await openApp(online, `${app.url}?src=${encodeURIComponent(`/data/${RUN_A}`)}&src=${encodeURIComponent(`/data/${RUN_B}`)}`);
  await live.locator('#runs-table tbody tr').nth(1).waitFor();
  const expected = await live.locator('#runs-table tbody').innerText();
  await online.close();

  const file = await snapshotWith([RUN_A, RUN_B]);
  const { context, requests } = await offlineContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`file://${file}`);
  await page.locator('#runs-table tbody tr').nth(1).waitFor();
  await page.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  assert.equal(await page.locator('#runs-table tbody').innerText(), expected);
  // Reopened, it shows the stored runs without importing again.
  await page.reload();
  await page.locator('#runs-table tbody tr').nth(1).waitFor();
  assert.equal(await page.locator('#import-summary').count(), 0, 'no second import');
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('offline: after one visit the app shell is cached and the stored workspace opens with the network off', async () => {
  const own = await serve({ '/app/': DIST, '/data/': FIXTURES });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const { page } = await openApp(context, `${own.url}?src=${encodeURIComponent(`/data/${RUN_A}`)}`);
  await page.locator('#runs-table tbody tr').first().waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await own.close();
  await context.setOffline(true);
  await page.goto(`${own.url}`);
  await page.locator('#runs-table tbody tr').first().waitFor();
  assert.ok((await page.locator('#runs-table tbody').innerText()).includes('run_a'));
  await page.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  await context.close();
});

test('the Content-Security-Policy allows only this origin and the ?src= origins', async () => {
  const context = await browser.newContext();
  const { page } = await openApp(context, `${app.url}?src=${encodeURIComponent(`${host.origin}/data/${RUN_A}`)}`);
  const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
  assert.match(policy, new RegExp(`connect-src 'self' blob: data: ${host.origin.replace(/\./g, '\\.')}(;|$)`));
  assert.match(policy, /default-src 'self'/);
  const blocked = await page.evaluate(async (url) => {
    const violation = new Promise((ok) => document.addEventListener('securitypolicyviolation', (e) => ok(e.blockedURI), { once: true }));
    await fetch(url).catch(() => {});
    return violation;
  }, `${foreign.origin}/foreign.html`);
  assert.ok(blocked.startsWith(foreign.origin), blocked);
  await context.close();
});

test('run names are rendered inert: markup in a name shows as text and runs nothing', async () => {
  const { page, frame, context } = await hostWith('?embed=1&view=full');
  const evil = '<img src=x onerror="parent.pwned=1"><b>bold';
  await page.evaluate(async ([a, b, name]) => {
    const bytes = async (p) => (await fetch('/data/' + p)).arrayBuffer();
    document.getElementById('app').contentWindow.postMessage({ type: 'runlens:load', files: [
      { path: `${name}/events.out.tfevents.1700000000.fixturehost`, bytes: await bytes(a) },
      { path: b, bytes: await bytes(b) }] }, '*');
  }, [RUN_A, RUN_B, evil]);
  await waitReply(page, 'runlens:done');
  await frame.locator('#runs-table tbody tr').first().waitFor();
  assert.ok((await frame.locator('#runs-table tbody').innerText()).includes(evil));
  // plotly reads a subset of HTML in trace names: they reach it escaped, to show as typed.
  await frame.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  const names = await frame.locator('figure.chart[data-tag="loss/train"] .js-plotly-plot').evaluate((gd) => gd.data.map((t) => t.name));
  assert.ok(names.includes('&lt;img src=x onerror="parent.pwned=1"&gt;&lt;b&gt;bold'), JSON.stringify(names));
  assert.equal(await frame.locator('img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await context.close();
});

test('Export snapshot: one .html file with the shown runs and the view, opened from file:// offline', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const { page } = await openApp(context, `${app.url}?src=${encodeURIComponent(`/data/${RUN_A}`)}&src=${encodeURIComponent(`/data/${RUN_B}`)}`);
  await page.locator('#runs-table tbody tr').nth(1).waitFor();
  await page.fill('#run-filter', "name ~ 'run_b'");
  await page.check('#log-y');
  await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length === 1);
  const expected = await page.locator('#runs-table tbody').innerText();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-snapshot')]);
  assert.match(download.suggestedFilename(), /^runlens-snapshot-\d{4}-\d\d-\d\d\.html$/);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  await context.close();

  const { context: offline, requests } = await offlineContext();
  const snap = await offline.newPage();
  const errors = [];
  snap.on('pageerror', (e) => errors.push(String(e)));
  await snap.goto(`file://${file}`);
  await snap.locator('#runs-table tbody tr').first().waitFor();
  await snap.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  assert.equal(await snap.locator('#runs-table tbody').innerText(), expected);
  assert.equal(await snap.isChecked('#log-y'), true, 'the view travels with the runs');
  assert.equal(await snap.inputValue('#run-filter'), "name ~ 'run_b'");
  // Only the shown run is in the file.
  await snap.fill('#run-filter', '');
  await snap.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length >= 1);
  assert.equal(await snap.locator('#runs-table tbody tr').count(), 1);
  assert.match(await snap.title(), /^runlens snapshot/);

  // A snapshot exports a snapshot of itself (its template is kept in memory).
  const [again] = await Promise.all([snap.waitForEvent('download'), snap.click('#export-snapshot')]);
  const second = join(tmp, 'again.html');
  await again.saveAs(second);
  assert.ok((await readFile(second, 'utf8')).includes('"snapshot.runlens.json"'));
  assert.deepEqual(requests, []);
  assert.deepEqual(errors, []);
  await offline.close();
});
