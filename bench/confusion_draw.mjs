// Browser benchmark: a confusion matrix with many classes (default 1,000) in headless Chromium
// against dist/. The matrix is a square CSV dropped on its own (1,000 classes in 50 hidden
// groups, logged in an order that scatters them). Measured, median of the repeats:
// - open: page reload → Confusion tab clicked → heatmap drawn (artifact text read from
//   IndexedDB, parsed and validated, per-class metrics, most confused pairs, plotly heatmap);
// - clustered: class order switched to "clustered" → heatmap redrawn in the new order;
// - show all: the per-class table's "Show all" → every row rendered.
// Usage: node bench/confusion_draw.mjs [classes] [repeats]
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, openApp } from '../tests/e2e/harness.mjs';

const n = Number(process.argv[2] ?? 1000);
const repeats = Number(process.argv[3] ?? 5);
const groups = Math.max(1, Math.round(n / 20));

let state = 0x9e3779b9;
const next = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state;
};
const group = (i) => (i * 7) % groups;
const labels = Array.from({ length: n }, (_, i) => `class_${String(i).padStart(4, '0')}`);
const lines = [`actual\\predicted,${labels.join(',')}`];
for (let r = 0; r < n; r++) {
  const row = new Array(n);
  for (let c = 0; c < n; c++) {
    if (r === c) row[c] = 150 + (next() % 100);
    else if (group(r) === group(c)) row[c] = next() % 10;
    else row[c] = next() % 50 === 0 ? 1 : 0;
  }
  lines.push(`${labels[r]},${row.join(',')}`);
}
const dir = await mkdtemp(join(tmpdir(), 'runlens-confusion-'));
const file = join(dir, 'confusion_matrix.csv');
const text = `${lines.join('\n')}\n`;
await writeFile(file, text);

const server = await serve();
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
const { page, errors } = await openApp(context, server.url);
await page.setInputFiles('#file-input', file);
await page.waitForSelector('#import-summary', { timeout: 600_000 });

const drawn = (order) => page.waitForFunction(({ n, order }) => {
  const div = document.getElementById('confusion-heatmap');
  const d = div?.data?.[0];
  if (!d || d.z.length !== n || !div.querySelector('.hm image')) return false;
  return order === 'logged' ? d.x[1] === 'class_0001' : d.x[1] !== 'class_0001';
}, { n, order }, { timeout: 120_000, polling: 'raf' });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const open = []; const clustered = []; const all = [];
let top = 0;
for (let i = 0; i < repeats; i++) {
  await page.reload();
  await page.waitForSelector('#runs-table tr[data-run]');
  let t0 = Date.now();
  await page.click('button[data-tab="Confusion matrices"]');
  await drawn('logged');
  open.push(Date.now() - t0);
  top = await page.locator('#top-pairs li').count();

  t0 = Date.now();
  await page.selectOption('#class-order', 'clustered');
  await drawn('clustered');
  clustered.push(Date.now() - t0);

  t0 = Date.now();
  await page.click('#per-class-all');
  await page.waitForFunction((n) => document.querySelectorAll('#per-class tbody tr').length === n, n, { polling: 'raf' });
  all.push(Date.now() - t0);
  await page.selectOption('#class-order', 'logged');
  await page.click('button[data-tab="Charts"]');
}
const f = (xs) => `median ${median(xs)} ms (runs: ${xs.join(', ')})`;
console.log(`${n} classes (${(text.length / 1e6).toFixed(1)} MB CSV), ${top} top pairs listed`);
console.log(`  reload → tab → heatmap drawn: ${f(open)}`);
console.log(`  clustered order → redrawn:    ${f(clustered)}`);
console.log(`  per-class table, show all:    ${f(all)}`);
if (errors.length) console.log('page errors:', errors);
await browser.close();
await server.close();
