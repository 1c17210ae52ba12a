/**
 * A Db that counts what goes over the wire: statements (BEGIN and COMMIT included), transactions,
 * and the time spent waiting for each kind of statement. Round trips are what a command costs on
 * PostgreSQL, so the bench reports them per job.
 */
import type { Db, Queryable } from '../../src/db/index.js';

export interface StatementStat {
  calls: number;
  ms: number;
}

export class DbCounters {
  statements = 0;
  transactions = 0;
  readonly byStatement = new Map<string, StatementStat>();

  reset(): void {
    this.statements = 0;
    this.transactions = 0;
    this.byStatement.clear();
  }

  record(label: string, ms: number): void {
    this.statements++;
    const s = this.byStatement.get(label) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += ms;
    this.byStatement.set(label, s);
  }
}

/**
 * A short name for a statement: the engine function that sends it when it is one the engine
 * benches drive (the instance locks all begin with the same column list), else its first words,
 * whitespace folded.
 */
export function label(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  if (/\bins_ev as \(/.test(s)) return 'writeEffects';
  if (s.startsWith('with ready as')) return 'activateJobs';
  if (s.endsWith('from engine.jobs where key = $1) for update')) return 'lockInstanceOfJob';
  if (s.includes('(select process_instance_key from engine.jobs where key = any($1::bigint[]))')) return 'lockInstancesOfJobs';
  if (s.endsWith('from engine.user_tasks where key = $1) for update')) return 'lockInstanceOfUserTask';
  if (s.startsWith('select key::text, state, assignee, candidate_groups')) return 'userTaskState';
  if (s.startsWith('select count(*)::int as n from engine.user_tasks u')) return 'searchUserTasks (count)';
  if (s.includes('from engine.user_tasks u join engine.definitions d')) return 'searchUserTasks (page)';
  return s.slice(0, 70);
}

export function countingDb(db: Db, c: DbCounters): Db {
  const timed = (q: Queryable): Queryable => ({
    async query(sql, params) {
      const t = performance.now();
      try {
        return await q.query(sql, params);
      } finally {
        c.record(label(sql), performance.now() - t);
      }
    },
  });
  const top = timed(db);
  return {
    kind: db.kind,
    knex: db.knex,
    query: (sql, params) => top.query(sql, params),
    async tx(fn) {
      c.transactions++;
      const t = performance.now();
      try {
        return await db.tx((q) => fn(timed(q)));
      } finally {
        // BEGIN and COMMIT are two more round trips; their time is inside the transaction's.
        c.statements += 2;
        const s = c.byStatement.get('(whole transaction)') ?? { calls: 0, ms: 0 };
        s.calls++;
        s.ms += performance.now() - t;
        c.byStatement.set('(whole transaction)', s);
      }
    },
    listen: (channel, cb) => db.listen(channel, cb),
    close: () => db.close(),
  };
}
