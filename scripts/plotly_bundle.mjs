// Builds build/plotly-runlens.min.js: a partial *strict* plotly.js bundle holding only the
// trace types the app draws, from the pinned npm `plotly.js` source package.
//
// It follows plotly.js's own `npm run custom-bundle -- --strict --traces ...`
// (tasks/custom_bundle.mjs → tasks/partial_bundle.mjs → tasks/util/bundle_wrapper.mjs):
//   - the index is lib/index-strict.js with the requires of every other trace removed, so the
//     WebGL traces are the `strict` variants (regl shaders precompiled: no `new Function`,
//     which the app's Content-Security-Policy forbids);
//   - it is bundled with plotly's own esbuild-config.js (style, glsl and environment plugins,
//     `global` = window, es2016) plus its compress_attributes transform (strips attribute
//     descriptions), minified, with plotly's header and UMD wrapper (`window.Plotly`).
// Two differences: the index is fed to esbuild on stdin (nothing is written into
// node_modules), and the `calendars` component (non-Gregorian date axes, which the app never
// asks for; 24 kB gzip) is left out; `--calendars` puts it back.
//
// Skipped when the output is newer than package-lock.json and this script and was built with
// the same options (its header line names them); `--force` rebuilds. About a second.
// A build fails if the bundle could generate code at run time (see "strict" below).
// Usage: node scripts/plotly_bundle.mjs [--force] [--calendars] [--unminified]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

/** The trace types the app draws (src/plot.rs, src/components/relations.rs, confusion/heatmap.rs). */
const TRACES = ['scatter', 'scattergl', 'heatmap', 'parcoords'];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const out = path.join(root, 'build', 'plotly-runlens.min.js');
const inputs = [path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)];

const plotlyDir = path.join(root, 'node_modules', 'plotly.js');
const requirePlotly = createRequire(path.join(plotlyDir, 'package.json'));
const { version } = requirePlotly('./package.json');
const minify = !args.has('--unminified');
const includes = (args.has('--calendars') ? ['calendars'] : []).concat(TRACES);
const header = [
  '/**',
  `* plotly.js (runlens: strict ${includes.join(', ')}${minify ? ' - minified' : ''}) v${version}`,
  '* Copyright 2012-2025, Plotly, Inc.',
  '* All rights reserved.',
  '* Licensed under the MIT license',
  '*/',
  '',
].join('\n');

// Up to date: newer than its inputs and built with the same options (its header says which).
const mtime = (f) => fs.statSync(f).mtimeMs;
const fresh = () =>
  fs.existsSync(out) &&
  inputs.every((f) => mtime(out) > mtime(f)) &&
  fs.readFileSync(out, 'utf8').slice(0, header.length) === header;
if (!args.has('--force') && fresh()) {
  console.log(`plotly bundle: ${path.relative(root, out)} is up to date`);
  process.exit(0);
}

const started = Date.now();
const esbuildConfig = requirePlotly('./esbuild-config.js');
const compressAttributes = requirePlotly('./tasks/compress_attributes.js');
const browserifyAdapter = requirePlotly('esbuild-plugin-browserify-adapter');
const { build } = requirePlotly('esbuild');

// ---- the index: tasks/partial_bundle.mjs's way, from lib/index-strict.js -----------------
const libDir = path.join(plotlyDir, 'lib');
const allTraces = fs
  .readdirSync(path.join(plotlyDir, 'src', 'traces'))
  .filter((t) => t[0] !== t[0].toUpperCase());
for (const t of TRACES) if (!allTraces.includes(t)) throw new Error(`plotly.js ${version} has no trace type ${t}`);
let index = fs.readFileSync(path.join(libDir, 'index-strict.js'), 'utf8');
for (const t of ['calendars', ...allTraces].filter((e) => !includes.includes(e))) {
  const re = new RegExp(`\\s*require\\('\\./${t}'\\),|\\s*require\\('\\.\\./src/traces/${t}/strict'\\),`, 'g');
  const next = index.replace(re, '');
  if (next === index) throw new Error(`cannot find the require of ${t} in lib/index-strict.js`);
  index = next;
}
// scatter is registered by the core (src/core.js) in every bundle.
for (const t of TRACES.filter((e) => e !== 'scatter')) {
  if (!index.includes(`require('./${t}')`) && !index.includes(`require('../src/traces/${t}/strict')`)) {
    throw new Error(`the index lost trace ${t}`);
  }
}

// ---- bundle: tasks/util/bundle_wrapper.mjs's way ----------------------------------------
const config = { ...esbuildConfig };
delete config.entryPoints;
const result = await build({
  ...config,
  stdin: { contents: index, resolveDir: libDir, sourcefile: 'index-strict-runlens.js', loader: 'js' },
  plugins: [...esbuildConfig.plugins, browserifyAdapter(compressAttributes)],
  minify,
  outfile: out,
  write: false,
  logLevel: 'warning',
});
// Only the script: a .css output (styles the plugins collect) is dropped, as plotly does.
const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
const wrapperStart = [
  '(',
  ' function(root, factory) {',
  '  if (typeof module === "object" && module.exports) {',
  '   module.exports = factory();',
  '  } else {',
  '   root.moduleName = factory();',
  '  }',
  '} (typeof self !== "undefined" ? self : this, () => {',
  '',
].join('\n');
const wrapperEnd = ['', 'window.Plotly = Plotly;', 'return Plotly;', '}));'].join('\n');
const code = header + wrapperStart + js.text + wrapperEnd;

// ---- strict: no code generation at run time, which the app's CSP would block -------------
// Allowed, as in plotly's own strict bundle:
//  - regl's `Function.apply(null, ...)`, behind its `cachedCode` lookup: the strict traces hand
//    regl the draw commands precompiled (src/generated/regl-codegen), so it is reached only
//    for a command missing from that cache (the e2e tests watch for CSP violations);
//  - webpack's global-object shim (`this || new Function("return this")()` after a
//    `typeof globalThis` test), should a future input bring it: never reached in a browser.
const allowed = [
  /return \w+\[\w+\]\.apply\(null,\s*\w+\)[;\s}]*var \w+\s*=\s*Function\.apply\(null,/g,
  /return globalThis[;\s}]*try\s*\{\s*return this\s*\|\|\s*new Function\("return this"\)\(\)/g,
];
let rest = code;
for (const re of allowed) rest = rest.replace(re, '');
const codegen = /.{0,60}(?:\bnew Function\b|[^\w$.]Function\s*(?:\(|\.apply\(|\.call\()|[^\w$.]eval\s*\().{0,60}/g;
const found = rest.match(codegen);
if (found) throw new Error(`the bundle is not strict (runtime code generation):\n${found.join('\n')}`);

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.tmp`, code);
fs.renameSync(`${out}.tmp`, out);
const gz = zlib.gzipSync(code, { level: 9 }).length;
console.log(
  `plotly bundle: ${path.relative(root, out)} (plotly.js ${version} strict: ${includes.join(', ')}), ` +
    `${(code.length / 1e6).toFixed(2)} MB, ${(gz / 1e3).toFixed(0)} kB gzip, ${((Date.now() - started) / 1e3).toFixed(1)} s`,
);
