// Loading from URLs: `?src=` (repeatable) with files and manifests, from an app served
// under a sub-path; errors name the URL and the HTTP status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, DIST, FIXTURES } from './harness.mjs';

let server, browser;

before(async () => {
  server = await serve({ '/team/runlens/': DIST, '/data/': FIXTURES });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage(query) {
  const context = await browser.newContext();
  return openApp(context, `${server.url}${query}`);
}

const runNames = (page) => page.$$eval('#runs-table tbody tr', (rows) => rows.map((r) => r.children[2].textContent.replace(/^↳ /, '')));

test('?src= imports event files by URL, repeatable, from an app under a sub-path', async () => {
  const runA = '/data/tbx/run_a/events.out.tfevents.1700000000.fixturehost';
  const runB = '/data/tbx/run_b/events.out.tfevents.1700001000.fixturehost';
  const { page, errors } = await freshPage(`?src=${encodeURIComponent(runA)}&src=${encodeURIComponent(runB)}`);
  await page.waitForSelector('#import-summary');
  assert.match(await page.locator('#import-summary').innerText(), /Imported 2 runs/);
  assert.deepEqual((await runNames(page)).sort(), ['run_a', 'run_b']);
  await page.locator('figure.chart[data-tag="loss/train"] .scatterlayer .trace').first().waitFor();
  assert.deepEqual(errors, []);
});

test('?src= with a manifest imports every file it lists (the demo, by its manifest)', async () => {
  const { page } = await freshPage('?src=demo/manifest.json');
  await page.waitForSelector('#import-summary');
  assert.ok((await runNames(page)).includes('lr=0.1_bs=32'));
});

test('a URL that fails names the URL and the HTTP status, and nothing else is lost', async () => {
  const { page } = await freshPage('?src=/data/missing/manifest.json');
  const message = await page.locator('.import-status.failed').innerText();
  assert.match(message, /\/data\/missing\/manifest\.json/);
  assert.match(message, /404/);
  const { page: second } = await freshPage(`?src=${encodeURIComponent('/data/nope/events.out.tfevents.1.x')}`);
  const summary = await second.locator('#import-summary').innerText();
  assert.match(summary, /events\.out\.tfevents\.1\.x: could not fetch .*HTTP 404/);
});
