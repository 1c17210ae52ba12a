/**
 * A real database per test file: in-memory PGlite by default (a clone of the one migrated
 * database of the run, tests/support/global-setup.mjs), or — when DATABASE_URL is set —
 * a fresh PostgreSQL database created for the file (from the run's migrated template) and
 * dropped after it, so files run in parallel and every run leaves the server as it found it.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { openDb, type Db } from '../../src/db/index.js';

export interface TestDb {
  db: Db;
  url?: string;
  close(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const db = await openDb({ pgliteImage: migratedImage(), pgliteSharedBuffers: TEST_SHARED_BUFFERS });
    return { db, close: () => db.close() };
  }
  const name = `lienthong_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(base, `create database ${name}${fromTemplate()}`);
  const url = withDatabase(base, name);
  const db = await openDb({ databaseUrl: url });
  return {
    db,
    url,
    async close() {
      await db.close();
      await admin(base, `drop database if exists ${name} with (force)`);
    },
  };
}

/** The migrated database global-setup.mjs made for this run, if any (migrations then only check). */
export function migratedImage(): Uint8Array | undefined {
  const file = process.env.LIENTHONG_PGLITE_IMAGE;
  return file && existsSync(file) ? readFileSync(file) : undefined;
}

/** A test's PGlite holds kilobytes: small shared buffers start it sooner. */
export const TEST_SHARED_BUFFERS = '16MB';

/** ` template <the run's migrated database>` (global-setup.mjs), when there is one: migrations then only check. */
function fromTemplate(): string {
  const t = process.env.LIENTHONG_PG_TEMPLATE;
  return t && /^[a-z0-9_]+$/.test(t) ? ` template ${t}` : '';
}

/** Creates an empty database and returns its URL (for child processes); PostgreSQL only. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DATABASE_URL!;
  const name = `lienthong_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(base, `create database ${name}`);
  return { url: withDatabase(base, name), drop: () => admin(base, `drop database if exists ${name} with (force)`) };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
