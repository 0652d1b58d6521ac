// Times core's event-file reader compiled to wasm (the `worker` profile the import worker
// ships with) in V8, with each file's bytes already in wasm memory: framing, both CRCs,
// events and columns. Usage: node bench/wasm_parse.mjs DIR [rounds]   (bench/sweep.sh builds
// it: cargo build --profile worker --target wasm32-unknown-unknown -p runlens-wasm-bench)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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

const files = eventFiles(dir).map((p) => readFileSync(p));
const bytes = files.reduce((n, f) => n + f.length, 0);
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {});
const { memory, alloc, read, finish } = instance.exports;

let best = Infinity;
let points = 0;
for (let round = 0; round < rounds; round++) {
  let parse = 0;
  for (const f of files) {
    const ptr = alloc(f.length);
    new Uint8Array(memory.buffer, ptr, f.length).set(f);
    const t0 = performance.now();
    if (!read(f.length)) console.error('a file did not read cleanly');
    parse += performance.now() - t0;
  }
  const t0 = performance.now();
  points = finish();
  parse += performance.now() - t0;
  best = Math.min(best, parse);
}
const s = best / 1000;
console.log(
  `wasm in V8 (node ${process.version}): ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ` +
    `${points} points: ${(bytes / 1e6 / s).toFixed(0)} MB/s, ${(points / 1e6 / s).toFixed(1)} M points/s ` +
    `(best of ${rounds}, ${s.toFixed(2)} s)`,
);
