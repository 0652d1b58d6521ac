// Shared end-to-end harness: a static server for dist/ and a Chromium launched through
// playwright-core (Debian's chromium: no browser downloads).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const FIXTURES = join(ROOT, 'crates/core/tests/fixtures/tensorboard');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
};

/**
 * Serves folders on 127.0.0.1 at a free port: `mounts` maps URL prefixes to folders, e.g.
 * `{ '/app/': DIST, '/data/': FIXTURES }` (a sub-path checks relative asset URLs).
 * The returned `url` is the first mount's.
 */
export async function serve(mounts = { '/': DIST }) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const mount = entries.find(([prefix]) => url.pathname.startsWith(prefix));
      if (!mount) { res.writeHead(404).end(); return; }
      const [prefix, dir] = mount;
      const path = normalize(decodeURIComponent(url.pathname.slice(prefix.length)));
      if (path.startsWith('..')) { res.writeHead(403).end(); return; }
      let file = join(dir, path);
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  const first = Object.keys(mounts)[0];
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}${first}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page that fails the test on uncaught errors; console errors are collected. */
export async function openApp(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('.topbar');
  return { page, errors };
}
