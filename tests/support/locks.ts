/**
 * Interleaving two engine commands on PostgreSQL, without timers: another session takes a lock that
 * holds one command back at a chosen write (`holdLock`), the test sees who waits for what in
 * `pg_locks` (`waitsFor`), and asks again query after query until it does (`until`). PGlite has one
 * connection, so its commands never overlap and these tests run on PostgreSQL only.
 */
import type { Db } from '../../src/db/index.js';

/** Runs `sql` (a LOCK statement) in a transaction of its own, held open until `release()`. */
export async function holdLock(db: Db, sql: string): Promise<{ release(): void; done: Promise<void> }> {
  let release!: () => void;
  let locked!: () => void;
  const held = new Promise<void>((r) => (locked = r));
  const done = db.tx(async (q) => {
    await q.query(sql);
    locked();
    await new Promise<void>((r) => (release = r));
  });
  await held;
  return { release: () => release(), done };
}

/** Whether at least `sessions` sessions wait for a lock matching `where` (a condition on `pg_locks`). */
export async function waitsFor(db: Db, where: string, sessions = 1): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(`select count(distinct pid)::int as n from pg_locks where not granted and ${where}`);
  return rows[0].n >= sessions;
}

/** Asks again, one round trip after another, until `cond` holds (each ask is a query, not a timer). */
export async function until(db: Db, cond: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await cond())) await db.query('select 1');
}
