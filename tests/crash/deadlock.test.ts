/**
 * Feature: a transaction PostgreSQL aborts as a deadlock's victim is run again (src/db/index.ts
 * `tx`), so two rooms that lock the same rows in different orders — an officer completing a step
 * while the counter refuses the dossier — both succeed instead of one answering 500 (the chaos run
 * found those 500s). PostgreSQL only: PGlite runs one transaction at a time.
 */
import { openDb, type Db } from '../../src/db/index.js';
import { createScratchDatabase } from '../support/db.js';
import { until, waitsFor } from '../support/locks.js';

/** A scratch database with two rows, a and b, each counted from 0; `fn` runs on a pool of 4. */
async function withRowsAB(fn: (db: Db) => Promise<void>): Promise<void> {
  const scratch = await createScratchDatabase();
  const db: Db = await openDb({ databaseUrl: scratch.url, poolMax: 4, migrate: false });
  try {
    await db.query(`create table rows_ab (id text primary key, n int not null)`);
    await db.query(`insert into rows_ab values ('a', 0), ('b', 0)`);
    await fn(db);
    // Both rows were updated twice, by both sides
    expect((await db.query<{ id: string; n: number }>(`select id, n from rows_ab order by id`)).rows).toEqual([
      { id: 'a', n: 2 },
      { id: 'b', n: 2 },
    ]);
  } finally {
    await db.close();
    await scratch.drop();
  }
}

(process.env.DATABASE_URL ? test : test.skip)(
  'Scenario: two transactions lock a and b in opposite orders → a deadlock → both commit, the victim on its second run',
  () =>
    withRowsAB(async (db) => {
      let firstLocked!: () => void;
      let secondLocked!: () => void;
      const first = new Promise<void>((r) => (firstLocked = r));
      const second = new Promise<void>((r) => (secondLocked = r));
      let runs = 0;
      const lockInOrder = (x: string, y: string, mine: () => void, theirs: Promise<void>) =>
        db.tx(async (q) => {
          runs++;
          await q.query(`update rows_ab set n = n + 1 where id = $1`, [x]);
          mine();
          await theirs; // both hold their first row: the second updates wait on each other
          await q.query(`update rows_ab set n = n + 1 where id = $1`, [y]);
        });
      await Promise.all([lockInOrder('a', 'b', firstLocked, second), lockInOrder('b', 'a', secondLocked, first)]);
      expect(runs).toBe(3);
    }),
  30_000,
);

(process.env.DATABASE_URL ? test : test.skip)(
  "Scenario: a statement sent on its own is the deadlock's victim → it is run again and commits (a chaos run saw one answer 500 so)",
  () =>
    withRowsAB(async (db) => {
      await db.query(`create sequence statement_runs`);
      // A transaction holds a, and waits long before it looks for a deadlock (so the statement is the victim)
      let holding!: () => void;
      const held = new Promise<void>((r) => (holding = r));
      let go!: () => void;
      const proceed = new Promise<void>((r) => (go = r));
      const transaction = db.tx(async (q) => {
        await q.query(`set local deadlock_timeout = '30s'`);
        await q.query(`update rows_ab set n = n + 1 where id = 'a'`);
        holding();
        await proceed;
        await q.query(`update rows_ab set n = n + 1 where id = 'b'`);
      });
      await held;
      // When one statement takes b, then waits for a
      const statement = db.query(`do $$ begin
          perform nextval('statement_runs');
          update rows_ab set n = n + 1 where id = 'b';
          update rows_ab set n = n + 1 where id = 'a';
        end $$`);
      await until(db, () => waitsFor(db, `locktype = 'transactionid'`));
      // And the transaction now asks for b: a deadlock, whose victim is the statement
      go();
      await Promise.all([transaction, statement]);
      // Then both committed (withRowsAB), the statement on its second run
      expect((await db.query<{ n: string }>(`select last_value::text as n from statement_runs`)).rows[0].n).toBe('2');
    }),
  30_000,
);
