// Browser benchmark at sweep scale (issue #7): a generated sweep logdir (bench/out/sweep-…,
// from crates/core/examples/gen_sweep.rs) through the folder input of the built app in
// headless Chromium, then the charts of the stored sweep.
//
//   node bench/sweep.mjs <sweep folder> [--repeats 3] [--dist DIR] [--profile OUT_PREFIX] [--import-only]
//
// Reports (median of --repeats fresh browser profiles for the import; of 3 reloads/zooms):
// - import: files chosen (the folder input's change event) → `#import-summary` (worker
//   start, read, parse, every CRC, IndexedDB write and commit), split at the worker's
//   "saving…" progress; bytes/s and points/s;
//   main-thread long tasks (PerformanceObserver 'longtask': count, max, total);
// - storage: navigator.storage.estimate() usage before/after, per stored point;
// - memory: performance.memory.usedJSHeapSize (main thread) and, the page being served
//   cross-origin isolated (COOP/COEP), performance.measureUserAgentSpecificMemory() (page,
//   worker, wasm memories) — after the import and after the charts are drawn;
// - reload → first chart drawn (a `figure.chart` plot with traces: `.scatterlayer .trace`
//   for SVG charts, plotly's data on the div for WebGL ones, which draw on a canvas);
// - zoom re-draw on the largest chart: relayout → its data replaced (and → every drawn
//   chart's, zoom being synced across charts).
// With --profile, one more import and one reload are traced (V8 CPU profiler, every thread,
// worker included): OUT_PREFIX-import.json / -reload.json load in DevTools' Performance
// panel, and the top self-time functions per thread are printed.
import { createServer } from 'node:http';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const repeats = Number(flag('--repeats', 3));
const dist = flag('--dist', process.env.RUNLENS_DIST ?? join(ROOT, 'dist'));
const profile = flag('--profile', null);
// --import-only: stop after the import figures (no reloads, zooms or profiles).
const importOnly = args.includes('--import-only') && args.splice(args.indexOf('--import-only'), 1);
const target = args[0];
if (!target) {
  console.error('usage: node bench/sweep.mjs <sweep folder> [--repeats 3] [--dist DIR] [--profile OUT_PREFIX]');
  process.exit(2);
}

async function size(path) {
  const s = await stat(path);
  if (!s.isDirectory()) return { bytes: s.size, files: 1 };
  let bytes = 0, files = 0;
  for (const e of await readdir(path)) {
    const t = await size(join(path, e));
    bytes += t.bytes;
    files += t.files;
  }
  return { bytes, files };
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
};

/** dist/ on 127.0.0.1, cross-origin isolated (for measureUserAgentSpecificMemory). */
async function serve(dir) {
  const server = createServer(async (req, res) => {
    try {
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (path.includes('..')) { res.writeHead(403).end(); return; }
      let file = join(dir, path);
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

// Installed before the app's scripts on every load: long tasks, and in-page times of the
// file choice, the worker's "saving…" and the summary.
const INIT = () => {
  window.__bench = { longtasks: [], chosen: null, saving: null, done: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__bench.longtasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  document.addEventListener('change', () => { window.__bench.chosen ??= performance.now(); }, true);
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.saving === null && document.querySelector('.progress-text')?.textContent.includes('saving')) b.saving = performance.now();
    if (b.done === null && document.querySelector('#import-summary')) b.done = performance.now();
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1e6).toFixed(1);
const CHART = 'figure.chart .js-plotly-plot';

async function memory(page) {
  return page.evaluate(async () => {
    const out = { heap: performance.memory?.usedJSHeapSize ?? null, isolated: self.crossOriginIsolated, ua: null };
    if (performance.measureUserAgentSpecificMemory && self.crossOriginIsolated) {
      try {
        const m = await Promise.race([performance.measureUserAgentSpecificMemory(),
          new Promise((_, no) => setTimeout(() => no(new Error('timeout')), 60_000))]);
        const by = {};
        for (const b of m.breakdown) {
          const scope = b.attribution.map((a) => a.scope).join('+') || 'shared';
          const kind = b.types.join('+') || 'other';
          by[`${scope}:${kind}`] = (by[`${scope}:${kind}`] ?? 0) + b.bytes;
        }
        out.ua = { total: m.bytes, by };
      } catch (e) { out.ua = { error: String(e) }; }
    }
    return out;
  });
}

const fmtMem = (m) => {
  const ua = m.ua?.total != null
    ? `; measureUserAgentSpecificMemory ${mb(m.ua.total)} MB (${Object.entries(m.ua.by).filter(([, b]) => b > 1e6)
      .sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k} ${mb(b)}`).join(', ')})`
    : `; measureUserAgentSpecificMemory unavailable (${m.ua?.error ?? (m.isolated ? 'no API' : 'not cross-origin isolated')})`;
  return `main-thread JS heap ${m.heap === null ? 'n/a' : mb(m.heap) + ' MB'}${ua}`;
};

async function importOnce(browser, url, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(INIT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('.empty');
  const before = await page.evaluate(() => navigator.storage.estimate());
  if (opts.trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const start = Date.now();
  await page.setInputFiles('#folder-input', target);
  await page.waitForSelector('#import-summary', { timeout: 3_600_000 });
  const wall = (Date.now() - start) / 1000;
  const trace = opts.trace ? await browser.stopTracing() : null;
  const b = await page.evaluate(() => window.__bench);
  const summary = (await page.locator('#import-summary .summary-line').innerText()).split('Dismiss')[0].trim();
  // The worker's own split: waiting for file bytes, parsing, saving (ms).
  const worker = await page.$eval('#import-timing', (e) => ({
    waiting: Number(e.dataset.waitingMs) / 1000, parsing: Number(e.dataset.parsingMs) / 1000, saving: Number(e.dataset.savingMs) / 1000,
  })).catch(() => null);
  const after = await page.evaluate(() => navigator.storage.estimate());
  const mem = opts.memory ? await memory(page) : null;
  const lts = b.longtasks.filter((t) => t.start >= (b.chosen ?? 0));
  // The import as the app sees it: files chosen (the input's change event) → summary shown.
  // Playwright's setInputFiles of a folder runs before that and is not the app's time (it
  // varied from 0.2 to 45 s for the same 200 files here).
  const harness = b.chosen !== null && b.done !== null ? wall - (b.done - b.chosen) / 1000 : null;
  return {
    context, page, errors, summary, trace, mem, harness, worker,
    wall: b.chosen !== null && b.done !== null ? (b.done - b.chosen) / 1000 : wall,
    parse: b.saving !== null && b.chosen !== null ? (b.saving - b.chosen) / 1000 : null,
    save: b.saving !== null && b.done !== null ? (b.done - b.saving) / 1000 : null,
    longtasks: { count: lts.length, max: Math.max(0, ...lts.map((t) => t.ms)), total: lts.reduce((s, t) => s + t.ms, 0) },
    stored: after.usage - before.usage,
  };
}

const TRACE_CATEGORIES = ['disabled-by-default-v8.cpu_profiler', 'v8.execute', 'devtools.timeline',
  'disabled-by-default-devtools.timeline', '__metadata'];

/** Top self-time functions per thread from a trace's V8 CPU profile chunks. */
function topSelf(traceBuf, top = 12) {
  const events = JSON.parse(traceBuf.toString()).traceEvents ?? [];
  const threads = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const profiles = new Map();
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    const p = profiles.get(key) ?? { thread: threads.get(`${e.pid}:${e.tid}`) ?? `${e.pid}:${e.tid}`, nodes: new Map(), samples: [], deltas: [] };
    profiles.set(key, p);
    const d = e.args?.data ?? {};
    for (const n of d.cpuProfile?.nodes ?? []) p.nodes.set(n.id, n.callFrame);
    p.samples.push(...(d.cpuProfile?.samples ?? []));
    p.deltas.push(...(d.timeDeltas ?? []));
  }
  const out = [];
  for (const p of profiles.values()) {
    const self = new Map();
    let total = 0;
    for (let i = 0; i < p.samples.length; i++) {
      const ms = Math.max(0, p.deltas[i + 1] ?? 0) / 1000;
      const f = p.nodes.get(p.samples[i]) ?? {};
      const file = (f.url ?? '').split('/').pop();
      const name = `${f.functionName || '(anonymous)'}${file ? ` [${file}]` : ''}`;
      self.set(name, (self.get(name) ?? 0) + ms);
      total += ms;
    }
    if (total < 1) continue;
    // Chunks are emitted by V8's profiler thread: name the profiled thread by its code.
    const names = [...self.keys()].join(' ');
    const thread = names.includes('import_worker') ? 'import worker'
      : /runlens-|plotly/.test(names) ? 'page main thread' : /sw\.js/.test(names) ? 'service worker' : p.thread;
    out.push({ thread, total, top: [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top) });
  }
  return out.sort((a, b) => b.total - a.total);
}

function printProfile(label, traceBuf) {
  console.log(`\nCPU profile, ${label} (self time):`);
  for (const t of topSelf(traceBuf)) {
    console.log(`  thread ${t.thread}: ${t.total.toFixed(0)} ms sampled`);
    for (const [name, ms] of t.top) console.log(`    ${ms.toFixed(0).padStart(7)} ms ${(100 * ms / t.total).toFixed(1).padStart(5)}%  ${name.slice(0, 150)}`);
  }
}

/** Waits until the page's main thread has been free for 2 s (charts drawn), at most 10 min. */
async function settle(page) {
  await page.evaluate(async () => {
    const t0 = performance.now();
    let quiet = 0;
    while (quiet < 2000 && performance.now() - t0 < 600_000) {
      const a = performance.now();
      await new Promise((r) => setTimeout(r, 250));
      quiet = performance.now() - a < 300 ? quiet + 250 : 0;
    }
  });
}

/** Reload of an idle page → first chart drawn (SVG traces, or for WebGL charts, which draw
 * on a canvas, plotly's data and full layout on the div): ms since the new document's navigation
 * start (in-page), then how long the main thread stays busy drawing the other charts. */
async function reloadToChart(page) {
  await settle(page);
  await page.reload();
  const first = await (await page.waitForFunction((sel) => {
    // FIRST_CHART, inlined (the app's CSP forbids evaluating strings).
    let kind = document.querySelector('figure.chart .scatterlayer .trace') ? 'svg' : null;
    for (const div of kind ? [] : document.querySelectorAll(sel)) {
      if (div._fullLayout && div.data?.some((t) => t.x?.length > 0)) { kind = div.querySelector('.gl-canvas') ? 'webgl' : 'plotly'; break; }
    }
    return kind && { kind, at: performance.now() };
  }, CHART, { timeout: 600_000 })).jsonValue();
  const start = Date.now();
  await settle(page);
  const lts = await page.evaluate(() => window.__bench.longtasks);
  return { ms: first.at, kind: first.kind, busy: first.at + Date.now() - start - 2000, longtasks: lts };
}

/** Zooms the chart with the most points; ms until its data is replaced, and every chart's. */
async function zoom(page, i) {
  return page.evaluate(async ({ sel, i }) => {
    const divs = [...document.querySelectorAll(sel)].filter((d) => d.data?.length);
    const points = (d) => d.data.reduce((s, t) => s + (t.x?.length ?? 0), 0);
    const div = divs.sort((a, b) => points(b) - points(a))[0];
    // Finite x only: merged raw traces end each run with a NaN gap.
    let lo0 = Infinity, hi0 = -Infinity;
    for (const v of div.data.find((t) => t.x?.length).x) if (Number.isFinite(v)) { lo0 = Math.min(lo0, v); hi0 = Math.max(hi0, v); }
    const lo = lo0 + (hi0 - lo0) * (0.1 + 0.2 * i), hi = lo + (hi0 - lo0) * 0.2;
    const before = new Map(divs.map((d) => [d, d.data]));
    const t0 = performance.now();
    let own = null;
    await window.Plotly.relayout(div, { 'xaxis.range[0]': lo, 'xaxis.range[1]': hi });
    for (;;) {
      if (own === null && div.data !== before.get(div)) own = performance.now() - t0;
      if (own !== null && divs.every((d) => d.data !== before.get(d))) break;
      if (performance.now() - t0 > 60_000) break;
      await new Promise((r) => requestAnimationFrame(r));
    }
    const all = performance.now() - t0;
    const tag = div.closest('figure')?.dataset.tag;
    await window.Plotly.relayout(div, { 'xaxis.autorange': true });
    return { own, all, tag, charts: divs.length, traces: div.data.length };
  }, { sel: CHART, i });
}

const { bytes, files } = await size(target);
const server = await serve(dist);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic', '--enable-precise-memory-info',
    '--enable-blink-features=ForceEagerMeasureMemory'],
});
console.log(`sweep ${target}: ${files} files, ${mb(bytes)} MB; app from ${dist}`);

const imports = [];
let kept = null;
for (let i = 0; i < repeats; i++) {
  const last = i === repeats - 1;
  const r = await importOnce(browser, server.url, { memory: last });
  const points = Number((r.summary.match(/([\d,]+)\s+points/) ?? [, '0'])[1].replace(/,/g, ''));
  r.points = points;
  imports.push(r);
  const w = r.worker ? `; worker: parsing ${r.worker.parsing.toFixed(2)} s + saving ${r.worker.saving.toFixed(2)} s = ` +
    `${(r.worker.parsing + r.worker.saving).toFixed(2)} s of work after the bytes are read, waiting for them ${r.worker.waiting.toFixed(2)} s` : '';
  console.log(`import ${i + 1}: ${r.wall.toFixed(2)} s (read+parse ${r.parse?.toFixed(2)} s, IndexedDB write ${r.save?.toFixed(2)} s${w}); ` +
    `long tasks ${r.longtasks.count}, max ${r.longtasks.max.toFixed(0)} ms; stored +${mb(r.stored)} MB — ${r.summary}` +
    (r.harness !== null ? ` (Playwright's setInputFiles before the change event: ${r.harness.toFixed(2)} s, not counted)` : ''));
  if (r.errors.length) console.log(`  page errors: ${r.errors.slice(0, 3).join(' | ')}`);
  if (last) kept = r; else await r.context.close();
}
const m = (f) => median(imports.map(f));
const wall = m((r) => r.wall);
const points = kept.points;
console.log(`\nIMPORT median of ${repeats}: ${wall.toFixed(2)} s — ${(bytes / 1e6 / wall).toFixed(1)} MB/s, ` +
  `${(points / wall / 1e6).toFixed(2)} M points/s (read+parse ${m((r) => r.parse).toFixed(2)} s, IndexedDB write+commit ${m((r) => r.save).toFixed(2)} s)`);
if (kept.worker) {
  console.log(`WORKER median of ${repeats}: parsing ${m((r) => r.worker.parsing).toFixed(2)} s (${(bytes / 1e6 / m((r) => r.worker.parsing)).toFixed(0)} MB/s), ` +
    `saving ${m((r) => r.worker.saving).toFixed(2)} s: ${m((r) => r.worker.parsing + r.worker.saving).toFixed(2)} s of work after the bytes are read; ` +
    `waiting for the bytes ${m((r) => r.worker.waiting).toFixed(2)} s`);
}
console.log(`LONG TASKS (main thread, during import): median count ${m((r) => r.longtasks.count)}, max ${Math.max(...imports.map((r) => r.longtasks.max)).toFixed(0)} ms, ` +
  `total ${m((r) => r.longtasks.total).toFixed(0)} ms`);
console.log(`INDEXEDDB: +${mb(m((r) => r.stored))} MB for ${points} points = ${(m((r) => r.stored) / points).toFixed(1)} bytes/point (source ${(bytes / points).toFixed(1)} bytes/point)`);
console.log(`MEMORY after import: ${fmtMem(kept.mem)}`);

if (importOnly) {
  await browser.close();
  await server.close();
  process.exit(0);
}
const { page } = kept;
const draws = [];
for (let i = 0; i < 3; i++) draws.push(await reloadToChart(page));
const lt = draws[draws.length - 1].longtasks;
console.log(`RELOAD → FIRST CHART (${draws[0].kind}) median ${median(draws.map((d) => d.ms)).toFixed(0)} ms ` +
  `(runs: ${draws.map((d) => d.ms.toFixed(0)).join(', ')}); main thread busy until every visible chart is drawn: median ` +
  `${median(draws.map((d) => d.busy)).toFixed(0)} ms; long tasks in the last reload: ${lt.length}, max ${Math.max(0, ...lt.map((t) => t.ms)).toFixed(0)} ms`);
await settle(page);
console.log(`MEMORY with charts drawn: ${fmtMem(await memory(page))}`);
const zooms = [];
for (let i = 0; i < 3; i++) {
  zooms.push(await zoom(page, i));
  await settle(page);
}
const z = zooms[0];
console.log(`ZOOM on "${z.tag}" (${z.traces} traces, ${z.charts} charts drawn, synced): this chart median ${median(zooms.map((x) => x.own)).toFixed(0)} ms, ` +
  `every drawn chart ${median(zooms.map((x) => x.all)).toFixed(0)} ms (runs: ${zooms.map((x) => `${x.own.toFixed(0)}/${x.all.toFixed(0)}`).join(', ')})`);
await kept.context.close();

if (profile) {
  const r = await importOnce(browser, server.url, { trace: true });
  await writeFile(`${profile}-import.json`, r.trace);
  console.log(`\ntraced import: ${r.wall.toFixed(2)} s (trace in ${profile}-import.json)`);
  printProfile('import', r.trace);
  await settle(r.page);
  await browser.startTracing(r.page, { categories: TRACE_CATEGORIES });
  const d = await reloadToChart(r.page);
  const trace = await browser.stopTracing();
  await writeFile(`${profile}-reload.json`, trace);
  console.log(`\ntraced reload → first chart: ${d.ms.toFixed(0)} ms, every visible chart ${d.busy.toFixed(0)} ms (trace in ${profile}-reload.json)`);
  printProfile('reload → first chart', trace);
  await r.context.close();
}
await browser.close();
await server.close();
