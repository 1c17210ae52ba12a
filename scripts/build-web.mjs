// Bundles the browser app (src/web) with esbuild into dist/web: one bundle per page entry, file
// names carrying a content hash (served with a year-long immutable cache), and
// dist/web/manifest.json mapping each entry to its script and stylesheet. Called by
// build-if-needed.mjs, so `npm start` and `npm test` build it when src/web changed.
//
// Entries: `shell` (every page: the header, sign-out, a 401 → /login) and `designer` (the
// modeler, ~3 MB, loaded only by /designer), `trace` (the viewer, /trace), `audit` (/audit) and
// `reports` (/reports, with chart.js), `inbox` (/inbox: the agency's tasks, form-js viewer),
// `counter` (/counter: receive, find, return) and `lookup` (/tra-cuu: the citizen's page, public).
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'web');
export const entries = {
  shell: 'src/web/shell/index.ts',
  designer: 'src/web/designer/index.tsx',
  trace: 'src/web/trace/index.tsx',
  inbox: 'src/web/inbox/index.tsx',
  audit: 'src/web/audit/index.tsx',
  reports: 'src/web/reports/index.tsx',
  counter: 'src/web/counter/index.tsx',
  lookup: 'src/web/lookup/index.tsx',
};

export async function buildWeb({ minify = true } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, file])),
    bundle: true,
    splitting: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    publicPath: '/assets',
    minify,
    sourcemap: 'linked',
    metafile: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const manifest = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const name = Object.keys(entries).find((n) => meta.entryPoint === entries[n]);
    if (!name) continue;
    manifest[name] = {
      js: `/assets/${basename(file)}`,
      css: meta.cssBundle ? `/assets/${basename(meta.cssBundle)}` : null,
      bytes: meta.bytes,
    };
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, outDir: relative(root, out) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const { manifest } = await buildWeb();
  for (const [name, m] of Object.entries(manifest)) console.error(`lienthong: web ${name} ${(m.bytes / 1024).toFixed(0)} KiB`);
  console.error(`lienthong: web built in ${Date.now() - t0} ms`);
}
