// Compiles the service, the benches and the scripts (TypeScript) to dist/ with esbuild, one
// JavaScript file per source file at the same path (dist/src/main.js, dist/bench/chaos.js, …),
// as tsc would emit them. Called by build-if-needed.mjs, so `npm start`, the benches and `npm test`
// build it when a source changed.
//
// esbuild strips the types without checking them (as Jest's swc does for the tests): the type-check
// is `npm run typecheck`, which .ci/run and the Dockerfile run. tsc's own emit cost 11–25 s of CPU
// before every test run and start after a change; esbuild takes well under a second.
//
// The inputs are every TypeScript file of src/ (but the browser app, scripts/build-web.mjs's), bench/
// and scripts/, and the test helpers they import (scripts/screenshots.ts and some benches do): an
// esbuild bundle pass that writes nothing lists them in its metafile, then each is compiled on its own.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const tsIn = (dir) =>
  readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));

/** Every TypeScript source the service, benches and scripts are made of, reachable by import or not. */
async function inputs() {
  const roots = [...tsIn('src').filter((f) => !f.startsWith(join(root, 'src', 'web') + sep)), ...tsIn('bench'), ...tsIn('scripts')];
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: roots,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: 'dist',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs).filter((f) => f.endsWith('.ts'));
}

export async function buildServer() {
  const files = await inputs();
  for (const dir of ['src', 'bench', 'scripts', 'tests']) rmSync(join(root, 'dist', dir), { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: files,
    outbase: '.',
    outdir: 'dist',
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  return { files: files.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const { files } = await buildServer();
  console.error(`lienthong: ${files} files compiled to dist/ in ${Date.now() - t0} ms`);
}
