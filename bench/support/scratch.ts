/**
 * Where a benchmark runs: a PostgreSQL database created for the run and dropped after it (the
 * server's existing databases are never touched), or PGlite in a fresh temporary data directory
 * (the embedded mode `npm start` uses) or in memory.
 */
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDb, type Db } from '../../src/db/index.js';

export interface ScratchDb {
  db: Db;
  /** What the run used, for the report. */
  where: string;
  /** The server's durability settings as this database sees them. */
  settings: Record<string, string>;
  drop(): Promise<void>;
}

export async function openScratchDb(kind: 'postgres' | 'pglite', opts: { poolMax: number; pgliteMemory?: boolean }): Promise<ScratchDb> {
  if (kind === 'pglite') {
    const dir = opts.pgliteMemory ? undefined : mkdtempSync(join(tmpdir(), 'lienthong-bench-'));
    const db = await openDb({ dataDir: dir });
    return {
      db,
      where: dir ?? 'memory',
      settings: await settings(db),
      async drop() {
        await db.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('--db postgres needs DATABASE_URL (a server where a scratch database may be created)');
  const name = `lienthong_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(base, `create database ${name}`);
  // Durability is part of what is measured: pin it on for this database whatever the server says.
  await admin(base, `alter database ${name} set synchronous_commit = on`);
  const url = new URL(base);
  url.pathname = '/' + name;
  let db: Db;
  try {
    db = await openDb({ databaseUrl: url.toString(), poolMax: opts.poolMax });
  } catch (e) {
    await admin(base, `drop database if exists ${name} with (force)`);
    throw e;
  }
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.close().catch(() => undefined);
    await admin(base, `drop database if exists ${name} with (force)`);
  };
  // An interrupted run still leaves the server as it found it.
  const onSignal = (sig: NodeJS.Signals) => {
    void drop().finally(() => process.kill(process.pid, sig));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { db, where: `${url.host}/${name}`, settings: await settings(db), drop };
}

async function settings(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ['server_version', 'synchronous_commit', 'fsync', 'wal_sync_method']) {
    const { rows } = await db.query<{ v: string }>(`select current_setting($1, true) as v`, [name]);
    out[name] = rows[0]?.v ?? '?';
  }
  return out;
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
