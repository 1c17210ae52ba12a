// Once per `npm test`, with the service's built code (npm test builds dist/ first):
// - on PGlite, migrate one in-memory database and keep its image in a temp file; every test
//   file's openTestDb clones it (~1 s) instead of opening and migrating its own (~6 s);
// - on PostgreSQL, migrate one template database; every test file's database is created from it
//   (`create database … template …`, a file copy) instead of running every migration again.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  let built;
  try {
    built = await import('../../dist/src/db/index.js');
  } catch {
    return; // not built: each file migrates its own database
  }
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
  const file = join(tmpdir(), `lienthong-pglite-image-${process.pid}.tar`);
  writeFileSync(file, await built.pgliteImage());
  process.env.LIENTHONG_PGLITE_IMAGE = file;
}
