// Removes what global-setup.mjs made: the PGlite images, or the PostgreSQL template database.
import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  if (process.env.LIENTHONG_PGLITE_IMAGES) rmSync(process.env.LIENTHONG_PGLITE_IMAGES, { recursive: true, force: true });
  const template = process.env.LIENTHONG_PG_TEMPLATE;
  if (template && process.env.DATABASE_URL) {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${template} with (force)`);
    } finally {
      await admin.end();
    }
  }
}
