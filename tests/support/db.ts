/**
 * A real database per test file: in-memory PGlite by default (a clone of the one migrated
 * database of the run, tests/support/global-setup.mjs), or — when DATABASE_URL is set —
 * a fresh PostgreSQL database created for the file (from the run's migrated template) and
 * dropped after it, so files run in parallel and every run leaves the server as it found it.
 * Each announces the writes it commits (changes.ts), which is what `waitFor` waits on.
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';
import { announcing } from './changes.js';

export interface TestDb {
  db: Db;
  url?: string;
  close(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const db = await openDb({ pgliteImage: migratedImage(), pgliteSharedBuffers: TEST_SHARED_BUFFERS, pgliteStall: STALL });
    return { db: announcing(db), close: () => db.close() };
  }
  const name = `lienthong_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(base, `create database ${name}${fromTemplate()}`);
  const url = withDatabase(base, name);
  const db = await openDb({ databaseUrl: url });
  return {
    db: announcing(db),
    url,
    async close() {
      await db.close();
      await admin(base, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * The migrated database global-setup.mjs made for this run, if any (migrations then only check);
 * with `at`, the same database as it was after that migration (one of global-setup's STOPS).
 */
export function migratedImage(at = 'latest'): Uint8Array | undefined {
  const dir = process.env.LIENTHONG_PGLITE_IMAGES;
  const file = dir && join(dir, `${at}.tar`);
  return file && existsSync(file) ? readFileSync(file) : undefined;
}

/**
 * A wait of 15 s for PGlite's one connection is a deadlock or a transaction held too long: the
 * test's output says where from (a test would otherwise only time out, with no cause).
 */
export const STALL = { ms: 15_000, report: (text: string) => console.error(text) };

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

/**
 * Empties `tables` — and, as TRUNCATE … CASCADE would, every table whose foreign key reaches one of
 * them — between tests, in one transaction: DELETE, children first, which on PostgreSQL costs a
 * few ms where TRUNCATE costs ~90 (new files for every table and index). `restartIdentity` sets
 * their sequences back to 1. The append-only audit log refuses DELETE (its trigger): it is
 * truncated alone.
 */
export async function emptyTables(db: Db, tables: readonly string[], opts: { restartIdentity?: boolean } = {}): Promise<void> {
  const plan = await emptyingPlan(db, tables);
  await db.tx(async (q) => {
    for (const t of plan.order) await q.query(TRUNCATE_ONLY.has(t) ? `truncate ${t}` : `delete from ${t}`);
    if (opts.restartIdentity) for (const s of plan.sequences) await q.query(`select setval($1::regclass, 1, false)`, [s]);
  });
}

const TRUNCATE_ONLY = new Set(['domain.audit_log']);
const plans = new WeakMap<Db, Map<string, Promise<{ order: string[]; sequences: string[] }>>>();

/** The tables to empty, children before parents, and their sequences (read from the catalog once per database and list). */
function emptyingPlan(db: Db, tables: readonly string[]): Promise<{ order: string[]; sequences: string[] }> {
  let byList = plans.get(db);
  if (!byList) plans.set(db, (byList = new Map()));
  const key = tables.join(',');
  let plan = byList.get(key);
  if (!plan) {
    plan = (async () => {
      const fks = (
        await db.query<{ child: string; parent: string }>(
          `select conrelid::regclass::text as child, confrelid::regclass::text as parent from pg_constraint where contype = 'f' and conrelid <> confrelid`,
        )
      ).rows;
      const all = new Set(tables);
      for (let grew = true; grew;) {
        grew = false;
        for (const f of fks) {
          if (all.has(f.parent) && !all.has(f.child)) {
            all.add(f.child);
            grew = true;
          }
        }
      }
      const order: string[] = [];
      const placed = new Set<string>();
      while (order.length < all.size) {
        // A table goes once every table referencing it (within the set) has gone.
        const ready = [...all].filter((t) => !placed.has(t) && fks.every((f) => f.parent !== t || !all.has(f.child) || placed.has(f.child)));
        if (!ready.length) throw new Error(`emptyTables: a cycle of foreign keys among ${[...all].join(', ')}`);
        for (const t of ready) placed.add(t);
        order.push(...ready);
      }
      const sequences = (
        await db.query<{ seq: string }>(
          `select s.oid::regclass::text as seq from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
            where d.refobjid = any($1::regclass[]) and d.deptype in ('a', 'i')`,
          [[...all]],
        )
      ).rows.map((r) => r.seq);
      return { order, sequences };
    })();
    byList.set(key, plan);
  }
  return plan;
}
