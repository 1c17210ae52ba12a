/**
 * Feature: PGlite has one connection, so a transaction that waits on work needing it never ends.
 * A caller that waits too long is reported with both ends — where it waits from and where the
 * connection was taken — instead of a silent hang.
 */
import { openDb, type Db } from '../../src/db/index.js';
import { migratedImage, TEST_SHARED_BUFFERS } from '../support/db.js';

const onPglite = process.env.DATABASE_URL ? describe.skip : describe;

onPglite('Scenario: a query waits behind a transaction that holds the connection', () => {
  let db: Db;
  const reports: string[] = [];
  let reported: () => void = () => undefined;
  beforeAll(async () => {
    db = await openDb({
      pgliteImage: migratedImage(),
      pgliteSharedBuffers: TEST_SHARED_BUFFERS,
      pgliteStall: {
        ms: 1,
        report: (text) => {
          reports.push(text);
          reported();
        },
      },
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  test('Given a transaction that waits, when a query waits for the connection, then the report names both, and the query runs once the transaction ends', async () => {
    let finish: () => void = () => undefined;
    const holding = db.tx(async (q) => {
      await q.query('select 1');
      await new Promise<void>((r) => (finish = r));
    });
    try {
      const seen = new Promise<void>((r) => (reported = r));
      const waiting = db.query<{ n: number }>('select 2 as n');
      await seen;
      // Both ends point into this file: the query's line, then the transaction's.
      const [, waits, held] = /Waiting([\s\S]*)Held since it was taken([\s\S]*)/.exec(reports[0]) ?? [];
      expect(reports[0]).toMatch(/^lienthong: PGlite's one connection has been awaited for 1 ms; still waiting/);
      expect(waits).toMatch(/stall\.test\.ts:\d+/);
      expect(held).toMatch(/stall\.test\.ts:\d+/);
      expect(waits.match(/stall\.test\.ts:(\d+)/)?.[1]).not.toBe(held.match(/stall\.test\.ts:(\d+)/)?.[1]);
      finish();
      await holding;
      expect((await waiting).rows).toEqual([{ n: 2 }]);
    } finally {
      finish();
      await holding;
    }
  });
});
