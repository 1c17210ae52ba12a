/**
 * The task state machine. Every transition is ONE guarded UPDATE — the state it leaves, who may
 * take it and the caller's scope are in its WHERE clause — so the database, not a read followed
 * by a write, decides which of two concurrent callers wins: the loser's UPDATE waits on the row
 * lock, re-reads the committed row, no longer matches and returns nothing.
 *
 *              claim / assign                 beginCompletion                 finishCompletion
 *   ┌──────┐ ───────────────▶ ┌─────────┐ ─────────────────▶ ┌────────────┐ ────────────────▶ ┌───────────┐
 *   │ open │                  │ claimed │                    │ completing │  (engine accepted  │ completed │
 *   └──────┘ ◀─────────────── └─────────┘ ◀───────────────── └────────────┘   the job)        └───────────┘
 *     │  │        unclaim          │       revertCompletion     ▲     │
 *     │  └─────────────────────── beginCompletion ──────────────┘     │ (job gone)
 *     │                            │                                  ▼
 *     └────────────────────────────┴──── cancel ──────────────▶ ┌───────────┐
 *                                                               │ cancelled │
 *                                                               └───────────┘
 *
 * `open` ⇔ no assignee (a CHECK of 009). `completing` holds the decision while the engine's
 * CompleteJob is in flight, outside any transaction of ours (the engine's command is its own
 * transaction, or a gRPC call to a Zeebe cluster): a crash there leaves the task `completing`
 * with its decision, and the lease sweep finishes the completion.
 */
import type { Queryable } from '../../db/index.js';
import { Params, RETURNING, toTask, type DbTaskRow } from '../rows.js';
import { scopeSql } from '../scope.js';
import type { Actor, TaskRow } from '../types.js';

async function one(q: Queryable, sql: string, p: Params): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(sql, p.values);
  return rows[0] && toTask(rows[0]);
}

/** open → claimed by the caller. */
export function claim(q: Queryable, id: string, actor: Actor, at: Date): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = 'claimed', assignee = ${p.add(actor.username)}, claimed_at = ${p.add(at.toISOString())}::timestamptz
      where id = ${p.add(id)} and state = 'open' and ${scopeSql(actor, p, '')}
      returning ${RETURNING}`,
    p,
  );
}

/** claimed → open; only its assignee (or someone who may override) lets it go. */
export function unclaim(q: Queryable, id: string, actor: Actor, override: boolean): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = 'open', assignee = null, claimed_at = null
      where id = ${p.add(id)} and state = 'claimed' and (assignee = ${p.add(actor.username)} or ${p.add(override)}::boolean)
        and ${scopeSql(actor, p, '')}
      returning ${RETURNING}`,
    p,
  );
}

/** open or claimed (by the caller, or by anyone when overriding) → claimed by `to`. */
export function assign(q: Queryable, id: string, actor: Actor, to: string, at: Date, override: boolean): Promise<TaskRow | undefined> {
  const p = new Params();
  const target = p.add(to);
  return one(
    q,
    `update domain.tasks set state = 'claimed', assignee = ${target},
        claimed_at = case when assignee is distinct from ${target} then ${p.add(at.toISOString())}::timestamptz else claimed_at end
      where id = ${p.add(id)} and state in ('open', 'claimed')
        and (assignee is null or assignee = ${p.add(actor.username)} or ${p.add(override)}::boolean)
        and ${scopeSql(actor, p, '')}
      returning ${RETURNING}`,
    p,
  );
}

/**
 * open, or claimed by the caller (anyone's when overriding) → completing, holding the decision.
 * The one statement that makes "exactly one of two completions wins" a rule of the database.
 */
export function beginCompletion(
  q: Queryable,
  id: string,
  actor: Actor,
  decision: Record<string, unknown>,
  at: Date,
  override: boolean,
): Promise<TaskRow | undefined> {
  const p = new Params();
  const me = p.add(actor.username);
  return one(
    q,
    `update domain.tasks set state = 'completing', completed_by = ${me}, decision = ${p.add(JSON.stringify(decision))}::jsonb,
        completing_at = ${p.add(at.toISOString())}::timestamptz
      where id = ${p.add(id)} and state in ('open', 'claimed')
        and (assignee is null or assignee = ${me} or ${p.add(override)}::boolean)
        and ${scopeSql(actor, p, '')}
      returning ${RETURNING}`,
    p,
  );
}

/**
 * completing → completed, once the engine has accepted the job's completion. A task completed
 * without a claim ends with its completer as assignee, but no claimed_at: nobody claimed it.
 */
export function finishCompletion(q: Queryable, id: string, at: Date): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = 'completed', completed_at = ${p.add(at.toISOString())}::timestamptz,
        assignee = coalesce(assignee, completed_by)
      where id = ${p.add(id)} and state = 'completing'
      returning ${RETURNING}`,
    p,
  );
}

/**
 * open | claimed → completed, by someone outside the inbox: the engine says its Camunda user task
 * was completed (through /v2/user-tasks), so no decision of the inbox's is recorded.
 */
export function completedElsewhere(q: Queryable, id: string, at: Date): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = 'completed', completed_at = ${p.add(at.toISOString())}::timestamptz
      where id = ${p.add(id)} and state in ('open', 'claimed')
      returning ${RETURNING}`,
    p,
  );
}

/** completing → where it came from, when the engine refused the completion. */
export function revertCompletion(q: Queryable, id: string): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = case when assignee is null then 'open' else 'claimed' end,
        completed_by = null, decision = null, completing_at = null
      where id = ${p.add(id)} and state = 'completing'
      returning ${RETURNING}`,
    p,
  );
}

/** Any unfinished task → cancelled: its job is gone (the process moved on without it). */
export function cancelTask(q: Queryable, id: string, at: Date): Promise<TaskRow | undefined> {
  const p = new Params();
  return one(
    q,
    `update domain.tasks set state = 'cancelled', completed_at = ${p.add(at.toISOString())}::timestamptz
      where id = ${p.add(id)} and state in ('open', 'claimed', 'completing')
      returning ${RETURNING}`,
    p,
  );
}

/** Every unfinished task of a dossier → cancelled (the dossier was refused, stopped, withdrawn). */
export async function cancelDossierTasks(q: Queryable, dossierCode: string, at: Date): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(
    `update domain.tasks set state = 'cancelled', completed_at = $2::timestamptz
      where dossier_code = $1 and state in ('open', 'claimed', 'completing')
      returning ${RETURNING}`,
    [dossierCode, at.toISOString()],
  );
  return rows.map(toTask).sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
}

/** The open and claimed tasks of a process instance (a completion in flight is left to finish or to the sweep). */
export async function openTasksOfInstance(q: Queryable, processInstanceKey: string): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${RETURNING} from domain.tasks where process_instance_key = $1 and state in ('open', 'claimed') order by id`,
    [processInstanceKey],
  );
  return rows.map(toTask);
}

/** The unfinished tasks of a dossier with a due date, locked: the calendar changed and their due dates are recounted. */
export async function datedOpenTasks(q: Queryable, dossierCode: string): Promise<{ id: string; dueAt: Date }[]> {
  const { rows } = await q.query<{ id: string; due_at: Date | string }>(
    `select id::text, due_at from domain.tasks where dossier_code = $1 and state in ('open', 'claimed', 'completing') and due_at is not null
      order by id for update`,
    [dossierCode],
  );
  return rows.map((r) => ({ id: r.id, dueAt: new Date(r.due_at) }));
}

export async function setTaskDue(q: Queryable, id: string, dueAt: Date): Promise<void> {
  await q.query(`update domain.tasks set due_at = $2::timestamptz where id = $1`, [id, dueAt.toISOString()]);
}
