// Browser benchmark: time from choosing files to "Imported" (read in the worker, parsed,
// every CRC checked, stored in IndexedDB in one transaction), in headless Chromium against
// dist/. Usage: node bench/browser_import.mjs <file or folder> [repeats]
import { stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serve, launch, openApp } from '../tests/e2e/harness.mjs';

const target = process.argv[2];
const repeats = Number(process.argv[3] ?? 3);
if (!target) { console.error('usage: node bench/browser_import.mjs <file or folder> [repeats]'); process.exit(2); }

async function size(path) {
  const s = await stat(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const e of await readdir(path)) total += await size(join(path, e));
  return total;
}

const bytes = await size(target);
const isDir = (await stat(target)).isDirectory();
const server = await serve();
const browser = await launch();
const times = [];
for (let i = 0; i < repeats; i++) {
  const context = await browser.newContext();
  const { page } = await openApp(context, server.url);
  await page.waitForSelector('.empty');
  const start = performance.now();
  await page.setInputFiles(isDir ? '#folder-input' : '#file-input', target);
  await page.waitForSelector('#import-summary', { timeout: 600_000 });
  times.push((performance.now() - start) / 1000);
  const summary = (await page.locator('#import-summary .summary-line').innerText()).split('Dismiss')[0];
  if (i === 0) console.log(summary.trim());
  await context.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`browser import (worker parse + IndexedDB write), ${(bytes / 1e6).toFixed(1)} MB: median ${median.toFixed(2)} s, ${(bytes / 1e6 / median).toFixed(0)} MB/s (runs: ${times.map((t) => t.toFixed(2)).join(', ')})`);
await browser.close();
await server.close();
