/**
 * What a test waits on instead of sleeping: the next change. Every test database (openTestDb,
 * durableDatabase) announces the writes it commits, and a test whose own state changes outside the
 * database (a job handler starting) announces it with `announceChange()`. `waitFor` checks its
 * condition again after each announcement, so the service's background work (the inbox worker,
 * the engine's job workers, the SLA scanner) is awaited as it happens, never polled on a timer.
 *
 * A write is a statement that inserts, updates or deletes: outside a transaction when it touched
 * rows (a job activation that found nothing is no change); in a transaction when one touched rows,
 * or when it is a statement of several writes, which returns no rows (the engine's writeEffects).
 */
import type { Db, Queryable } from '../../src/db/index.js';

const waiters = new Set<() => void>();

/** Resolves at the next announced change in this process. */
export function nextChange(): Promise<void> {
  return new Promise((resolve) => waiters.add(resolve));
}

/** Wakes every `nextChange()` waiting now. */
export function announceChange(): void {
  const now = [...waiters];
  waiters.clear();
  for (const wake of now) wake();
}

const WRITE = /\b(insert\s+into|update\s+[\w."]+\s+(?:as\s+\w+\s+)?set|delete\s+from|truncate)\b/i;
const SEVERAL = /^\s*with\b/i;

/** `db`, announcing every write it commits (the service under test is handed this one). */
export function announcing(db: Db): Db {
  const query: Queryable['query'] = async (sql, params) => {
    const result = await db.query(sql, params);
    if (result.rowCount > 0 && WRITE.test(sql)) announceChange();
    return result;
  };
  const tx: Db['tx'] = async (fn) => {
    let wrote = false;
    const result = await db.tx((q) =>
      fn({
        query: async (sql, params) => {
          const r = await q.query(sql, params);
          if (WRITE.test(sql) && (r.rowCount > 0 || SEVERAL.test(sql))) wrote = true;
          return r;
        },
      }),
    );
    if (wrote) announceChange();
    return result;
  };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'tx') return tx;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

/**
 * Waits until `check` holds, checking it again after each change a test database commits or a
 * test announces (changes.ts), never on a timer. `timeout` only bounds a wait that went wrong: it
 * fails with `what` in the message instead of the test's bare timeout.
 */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeout = 5_000): Promise<void> {
  let guard: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<never>((_resolve, reject) => {
    guard = setTimeout(() => reject(new Error(`no change made it true within ${timeout} ms: ${what}`)), timeout);
  });
  gaveUp.catch(() => undefined);
  try {
    for (;;) {
      const changed = nextChange();
      if (await check()) return;
      await Promise.race([changed, gaveUp]);
      // A check that itself changes rows wakes its own wait: let timers and I/O run before the next.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    clearTimeout(guard);
  }
}
