// Times core's event-file reader compiled to wasm (the `worker` profile the import worker
// ships with) in headless Chromium, with each file's bytes already in wasm memory: framing,
// both CRCs, events and columns — parse throughput alone, without the file reads an import
// also waits for. Usage: node bench/wasm_parse.mjs DIR [rounds]   (bench/sweep.sh builds the
// module: cargo build --profile worker --target wasm32-unknown-unknown -p runlens-wasm-bench)
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
const wasmPath = process.env.WASM_BENCH ??
  `${process.env.CARGO_TARGET_DIR ?? 'target'}/wasm32-unknown-unknown/worker/runlens_wasm_bench.wasm`;
if (!dir) {
  console.error('usage: node bench/wasm_parse.mjs DIR [rounds]');
  process.exit(2);
}

function eventFiles(d) {
  return readdirSync(d).sort().flatMap((name) => {
    const p = join(d, name);
    if (statSync(p).isDirectory()) return eventFiles(p);
    return name.includes('tfevents') ? [p] : [];
  });
}

const paths = eventFiles(dir);
const wasm = readFileSync(wasmPath);
const server = createServer((req, res) => {
  const file = req.url.match(/^\/file\/(\d+)$/);
  if (req.url === '/bench.wasm') {
    res.writeHead(200, { 'content-type': 'application/wasm' });
    res.end(wasm);
  } else if (file && paths[Number(file[1])]) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(paths[Number(file[1])]));
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>wasm parse</title>');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
const r = await page.evaluate(async ({ count, rounds }) => {
  const { instance } = await WebAssembly.instantiate(await (await fetch('/bench.wasm')).arrayBuffer(), {});
  const { memory, alloc, read, finish } = instance.exports;
  const files = [];
  for (let i = 0; i < count; i++) files.push(new Uint8Array(await (await fetch(`/file/${i}`)).arrayBuffer()));
  let best = Infinity;
  let points = 0;
  let clean = true;
  for (let round = 0; round < rounds; round++) {
    let ms = 0;
    for (const f of files) {
      const ptr = alloc(f.length);
      new Uint8Array(memory.buffer, ptr, f.length).set(f);
      const t0 = performance.now();
      clean = read(f.length) === 1 && clean;
      ms += performance.now() - t0;
    }
    const t0 = performance.now();
    points = finish();
    ms += performance.now() - t0;
    best = Math.min(best, ms);
  }
  return { best, points, clean, bytes: files.reduce((n, f) => n + f.length, 0), ua: navigator.userAgent };
}, { count: paths.length, rounds });
await browser.close();
server.close();
const s = r.best / 1000;
const chrome = r.ua.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium';
console.log(
  `wasm in ${chrome}: ${paths.length} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${r.points} points: ` +
    `${(r.bytes / 1e6 / s).toFixed(0)} MB/s, ${(r.points / 1e6 / s).toFixed(1)} M points/s ` +
    `(best of ${rounds}, ${s.toFixed(2)} s)${r.clean ? '' : ' — some file did not read cleanly'}`,
);
