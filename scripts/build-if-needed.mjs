// Builds dist/ only when an input is newer than the last build: the service, benches and scripts
// (esbuild, scripts/build-server.mjs: types stripped, not checked — `npm run typecheck` checks
// them) and the browser app (esbuild, scripts/build-web.mjs), each with its own stamp. `npm start`,
// the benches and `npm test` (whose crash and browser tests run the built code) call it first.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const inputs = ['src', 'bench', 'scripts', 'tests', 'tsconfig.json', 'package.json'];
const webInputs = ['src/web', 'packages', 'package.json', 'scripts/build-web.mjs'];
// Stamped with the time the last good build *started*: a file saved during a build is newer.
const stamp = 'dist/.build-stamp';
const webStamp = 'dist/.web-stamp';
const lock = 'dist/.build-lock';

function newest(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs; // a deleted file shows as a newer directory
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}
const staleAgainst = (file, paths) => !existsSync(file) || Math.max(...paths.map(newest)) > statSync(file).mtimeMs;
const stale = () => staleAgainst(stamp, inputs);
const webStale = () => staleAgainst(webStamp, webInputs) || !existsSync('dist/web/manifest.json');

if (!stale() && !webStale()) process.exit(0);

// One build at a time (a bench and a test run started together); a lock older than 5 min is a
// leftover of a killed build.
mkdirSync('dist', { recursive: true });
const until = Date.now() + 5 * 60_000;
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > until) throw new Error(`${lock} is held by another build`, { cause: e });
    else await new Promise((r) => setTimeout(r, 200));
  }
}
let status = 0;
try {
  if (stale()) {
    const started = new Date();
    console.error('lienthong: building the service (esbuild)…');
    const { buildServer } = await import('./build-server.mjs');
    try {
      await buildServer();
      writeFileSync(stamp, `${started.toISOString()}\n`);
      utimesSync(stamp, started, started);
    } catch (e) {
      console.error(`lienthong: the service did not build: ${e.message}`);
      status = 1;
    }
  }
  if (status === 0 && webStale()) {
    const started = new Date();
    console.error('lienthong: building the browser app (esbuild)…');
    const { buildWeb } = await import('./build-web.mjs');
    try {
      await buildWeb();
      writeFileSync(webStamp, `${started.toISOString()}\n`);
      utimesSync(webStamp, started, started);
    } catch (e) {
      console.error(`lienthong: the browser app did not build: ${e.message}`);
      status = 1;
    }
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
process.exit(status);
