// Once per `npm test` on PGlite: migrate one in-memory database and keep its image in a temp
// file; every test file's openTestDb clones it (~1 s) instead of opening and migrating its own
// (~6 s). Uses the service's built code (npm test builds dist/ first); on PostgreSQL, each file
// still creates its own database.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  if (process.env.DATABASE_URL) return;
  let pgliteImage;
  try {
    ({ pgliteImage } = await import('../../dist/src/db/index.js'));
  } catch {
    return; // not built: each file migrates its own database
  }
  const file = join(tmpdir(), `lienthong-pglite-image-${process.pid}.tar`);
  writeFileSync(file, await pgliteImage());
  process.env.LIENTHONG_PGLITE_IMAGE = file;
}
