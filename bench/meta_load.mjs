// Times the parse of 1,000 run metas as the page does it at start (`Store::load_runs`: one
// `serde_json::from_str::<RunMeta>` per stored run), compiled as the page is (the `release`
// profile), in headless Chromium with the JSON already in wasm memory.
// Usage: node bench/meta_load.mjs [--count N] [--rounds R] [--write FILE] [--read FILE]
//   --write FILE  saves the metas this build writes (to time another build reading them)
//   --read FILE   times FILE's metas (one JSON text a line) as well as this build's own
// Build first: cargo build --release --target wasm32-unknown-unknown -p runlens-wasm-bench
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '30' },
    write: { type: 'string' },
    read: { type: 'string' },
  },
});
const wasmPath = process.env.WASM_BENCH ??
  `${process.env.CARGO_TARGET_DIR ?? 'target'}/wasm32-unknown-unknown/release/runlens_wasm_bench.wasm`;
const wasm = readFileSync(wasmPath);
const given = opts.read ? readFileSync(opts.read) : null;
const server = createServer((req, res) => {
  if (req.url === '/bench.wasm') {
    res.writeHead(200, { 'content-type': 'application/wasm' });
    res.end(wasm);
  } else if (req.url === '/given' && given) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(given);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>meta load</title>');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
const r = await page.evaluate(async ({ count, rounds, hasGiven }) => {
  const { instance } = await WebAssembly.instantiate(await (await fetch('/bench.wasm')).arrayBuffer(), {});
  const { memory, alloc, write_metas, parse_metas } = instance.exports;
  const time = (len) => {
    const all = [];
    let parsed = 0;
    for (let round = 0; round < rounds; round++) {
      const t0 = performance.now();
      parsed = parse_metas(len);
      all.push(performance.now() - t0);
    }
    all.sort((a, b) => a - b);
    return { best: all[0], median: all[all.length >> 1], parsed, bytes: len };
  };
  const len = write_metas(count);
  const own = new Uint8Array(memory.buffer, alloc(0), len).slice();
  const result = { own: time(len), written: Array.from(own) };
  if (hasGiven) {
    const bytes = new Uint8Array(await (await fetch('/given')).arrayBuffer());
    new Uint8Array(memory.buffer, alloc(bytes.length), bytes.length).set(bytes);
    result.given = time(bytes.length);
  }
  return result;
}, { count: Number(opts.count), rounds: Number(opts.rounds), hasGiven: given !== null });
await browser.close();
server.close();
if (opts.write) writeFileSync(opts.write, Buffer.from(r.written));
const line = (what, t) =>
  `${what}: ${t.parsed} metas, ${(t.bytes / 1e3).toFixed(0)} kB: best ${t.best.toFixed(2)} ms, ` +
  `median ${t.median.toFixed(2)} ms (${opts.rounds} rounds)`;
console.log(`wasm ${(wasm.length / 1e3).toFixed(0)} kB`);
console.log(line('written by this build', r.own));
if (r.given) console.log(line(opts.read, r.given));
