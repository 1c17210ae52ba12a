/**
 * Feature: the database's notifications come back after their connection is lost (a PostgreSQL
 * restart, a killed backend): the LISTEN connection is made again and every channel listened to
 * again (src/db/index.ts). PostgreSQL only: PGlite's notifications live in the process.
 */
import { openDb, type Db } from '../../src/db/index.js';
import { createScratchDatabase } from '../support/db.js';

const pgOnly = process.env.DATABASE_URL ? test : test.skip;

pgOnly(
  'Scenario: the listening backend is terminated → a notification sent afterwards still reaches the listener',
  async () => {
    const scratch = await createScratchDatabase();
    const db: Db = await openDb({ databaseUrl: scratch.url, poolMax: 2, migrate: false });
    try {
      const heard: string[] = [];
      let wake: () => void = () => undefined;
      await db.listen('lt_listen_test', (p) => {
        heard.push(p);
        wake();
      });
      const { rows } = await db.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen%'`,
      );
      expect(rows[0].n).toBe(1);
      // Notify until the new connection has listened again (each notify before that is lost, as documented).
      let sent = 0;
      const notifier = setInterval(() => void db.query(`select pg_notify('lt_listen_test', $1)`, [`after-${++sent}`]), 100);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (heard.length) resolve();
      });
      clearInterval(notifier);
      expect(heard[0]).toMatch(/^after-\d+$/);
    } finally {
      await db.close();
      await scratch.drop();
    }
  },
  30_000,
);
