// Once per `npm test`: lighter password hashing for the whole run (below), and, from the sources jest runs (src/db, bundled by esbuild into a temporary
// module, since this file runs outside jest's TypeScript transform):
// - on PGlite, migrate one in-memory database and keep its image in a temp folder (latest.tar);
//   every test file's openTestDb clones it (~1 s) instead of opening and migrating its own (~6 s).
//   The same database is also kept as it was at each of STOPS, for the tests of a data migration;
// - on PostgreSQL, migrate one template database; every test file's database is created from it
//   (`create database … template …`, a file copy) instead of running every migration again.
// So the image always has the migrations of the sources, with or without a fresh dist/.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The migrations a test starts from (tests/db/migrations.test.ts: the database before 026). */
const STOPS = ['025_process_variables_owed'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** src/db as one ES module, placed inside node_modules so that its packages resolve. */
async function loadDbModule() {
  const dir = join(root, 'node_modules', '.cache', 'lienthong');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `db-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, 'src', 'db', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: file,
    logLevel: 'silent',
  });
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

export default async function globalSetup() {
  // Lighter scrypt for every hash the run makes (src/security/passwords.ts): ~25 s of CPU per run.
  process.env.LIENTHONG_TEST_HASHES = 'light';
  const built = await loadDbModule();
  const url = process.env.DATABASE_URL;
  if (url) {
    const pg = (await import('pg')).default;
    const name = `lienthong_test_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    const u = new URL(url);
    u.pathname = '/' + name;
    const db = await built.openDb({ databaseUrl: u.toString(), poolMax: 1 });
    await db.close();
    process.env.LIENTHONG_PG_TEMPLATE = name;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-pglite-images-'));
  const images = await built.pgliteImages([...STOPS, undefined]);
  for (const [i, image] of images.entries()) writeFileSync(join(dir, `${STOPS[i] ?? 'latest'}.tar`), image);
  process.env.LIENTHONG_PGLITE_IMAGES = dir;
}
