/**
 * Feature: two officers complete the same task at the same moment.
 *
 * Rule: exactly one wins; the other gets Conflict (409); the engine sees one completion (one
 * JOB COMPLETED event). The rule is the guarded UPDATE open|claimed → completing, decided by the
 * database's row lock — on PostgreSQL the two calls really run side by side on two connections.
 */
import { beginCompletion } from '../../src/tasks/sql/transitions.js';
import { waitFor } from '../support/engine.js';
import { USERS, useInbox } from './support.js';

const h = useInbox();

async function userTaskCompletions(instanceKey: string): Promise<number> {
  return (await h.events(instanceKey)).filter((e) => e.valueType === 'USER_TASK' && e.intent === 'COMPLETED').length;
}

describe('Feature: the double-completion race', () => {
  test('Scenario: Promise.all of two completions by two officers of the agency → one success, one Conflict, one USER_TASK COMPLETED', async () => {
    await h.db.query(`insert into domain.users (username, full_name, password_hash, role, agency_code) values ('tp2', 'tp2', 'x', 'officer', 'tp.phuc-xa')`);
    const tp2 = { username: 'tp2', role: 'officer' as const, agencyCode: 'tp.phuc-xa' };
    for (let round = 0; round < 5; round++) {
      const { code, instanceKey } = await h.receive();
      await h.inbox();
      const task = (await h.tasks.list(USERS.tp1, { dossierCode: code })).items[0];
      const results = await Promise.allSettled([
        h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved', note: 'tp1' }),
        h.tasks.complete(tp2, task.id, { outcome: 'rejected', note: 'tp2' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toMatchObject({ name: 'Conflict' });
      expect(await userTaskCompletions(instanceKey)).toBe(1);
      // the task, the process and the audit agree on who won
      const winner = won[0].value;
      const stored = await h.tasks.get(h.db, task.id);
      expect(stored).toMatchObject({ state: 'completed', completedBy: winner.completedBy, decision: { note: winner.completedBy } });
      expect((await h.instance(instanceKey)).variables.note).toBe(winner.completedBy);
      const audited = (await h.audit('task.completed')).filter((a) => a.payload.taskId === task.id);
      expect(audited.map((a) => a.actor)).toEqual([winner.completedBy]);
    }
  });

  test('Scenario: the same officer double-clicking complete → one success, one Conflict, one completion', async () => {
    const { code, instanceKey } = await h.receive();
    await h.inbox();
    const task = (await h.tasks.list(USERS.tp1, { dossierCode: code })).items[0];
    await h.tasks.claim(USERS.tp1, task.id);
    const results = await Promise.allSettled([
      h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' }),
      h.tasks.complete(USERS.tp1, task.id, { outcome: 'approved' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await userTaskCompletions(instanceKey)).toBe(1);
  });

  // Two transactions open at once need two connections: PostgreSQL only (PGlite has one).
  (process.env.DATABASE_URL ? test : test.skip)(
    'Scenario: the rule is the database’s — B’s guarded UPDATE waits on A’s row lock, then matches nothing',
    async () => {
      const { code } = await h.receive();
      await h.inbox();
      const task = (await h.tasks.list(USERS.tp1, { dossierCode: code })).items[0];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let aHolds!: () => void;
      const aHolding = new Promise<void>((r) => (aHolds = r));
      let aPid!: number;
      const a = h.db.tx(async (q) => {
        aPid = (await q.query<{ pid: number }>(`select pg_backend_pid() as pid`)).rows[0].pid;
        const t = await beginCompletion(q, task.id, USERS.tp1, { outcome: 'approved' }, new Date(h.clock.now()), false);
        aHolds();
        await gate; // A has the row and has not committed
        return t;
      });
      await aHolding;
      let bDone = false;
      const b = h.db.tx((q) => beginCompletion(q, task.id, USERS.ad1, { outcome: 'rejected' }, new Date(h.clock.now()), true)).finally(() => (bDone = true));
      // PostgreSQL itself says when B waits on A: A's connection is among B's blockers.
      await waitFor("B's update to wait on A's row lock", async () => {
        const { rows } = await h.db.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`, [aPid]);
        return rows[0].n === 1;
      });
      expect(bDone).toBe(false); // blocked on the row lock, even though an admin may override
      release();
      expect(await a).toMatchObject({ state: 'completing', completedBy: 'tp1' });
      expect(await b).toBeUndefined();
    },
  );
});
