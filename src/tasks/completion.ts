/**
 * The second half of completing a task: the task is `completing` (it won the guarded UPDATE and
 * holds the decision); now the engine completes the job, and then the task is finished, its
 * step clock stopped and the decision audited — in that order, so the inbox never says
 * "completed" about a step the process still waits for.
 *
 *   TaskService.complete            engine                     settle (here)
 *   ─ tx: open|claimed → completing ─▶ CompleteJob(decision) ─▶ tx: completing → completed,
 *                                      │                           stopStep, audit task.completed
 *                                      ├─ refused (Conflict…) ──▶ tx: completing → open|claimed
 *                                      ├─ job gone (NotFound) ──▶ live: cancelled, 409
 *                                      │                          recovery: completed (an earlier call went through)
 *                                      └─ unknown (I/O…) ───────▶ left completing; the sweep retries
 *
 * Retrying is safe: the decision is in the row, and once the engine has the completion a second
 * CompleteJob answers NotFound, which recovery reads as "done".
 */
import { appendAudit } from '../audit/index.js';
import type { Db, Queryable } from '../db/index.js';
import type { Clock } from '../clock.js';
import type { WorkflowEngine } from '../engine/port.js';
import { AppError, Conflict, NotFound } from '../errors.js';
import type { SlaService } from '../sla/index.js';
import { taskById } from './sql/taskById.js';
import { cancelTask, completedElsewhere, finishCompletion, revertCompletion } from './sql/transitions.js';
import type { Actor, TaskRow } from './types.js';

/** The SLA room's step clocks, as the inbox uses them. */
export type StepClocks = Pick<SlaService, 'startStepClock' | 'stopStep'> & {
  /** A step the process withdrew (interrupting event, cancelled instance) is neither early nor late. */
  cancelStep?(q: Queryable, taskId: string, at: Date): Promise<unknown>;
};

/** What the inbox asks of the engine to finish a step: a job's completion or a Camunda user task's. */
export type StepEngine = Pick<WorkflowEngine, 'completeJob' | 'completeUserTask'>;

/**
 * The dossier room's hook, called in the transaction that finishes a task (by the inbox, by
 * recovery, or noticed after a completion outside the inbox), with who completed it: the return
 * step finished is the dossier returned, in the same commit.
 */
export type TaskCompletedHook = (q: Queryable, task: TaskRow, by: Actor | { username: string; role: 'system' }, at: Date) => Promise<void>;

export interface CompletionDeps {
  db: Db;
  engine: StepEngine;
  sla?: StepClocks;
  clock: Clock;
  onTaskCompleted?: TaskCompletedHook;
}

/** Who the audit names when the inbox itself acts (recovery, withdrawal). */
export const INBOX_ACTOR = 'lienthong.inbox';
const SYSTEM_ROLE = 'system' as const;

export async function settleCompletion(deps: CompletionDeps, task: TaskRow, actor: Actor, mode: 'live' | 'recovery'): Promise<TaskRow> {
  try {
    await completeInEngine(deps.engine, task, task.decision ?? {});
  } catch (e) {
    if (e instanceof NotFound) {
      if (mode === 'recovery') return finish(deps, task, actor, mode);
      await withdraw(deps, task, 'completion');
      throw new Conflict(
        `bước '${task.name}' không còn chờ xử lý: quy trình đã chuyển sang bước khác hoặc hồ sơ đã dừng (the process no longer waits for task ${task.id}; nothing was completed)`,
        { taskId: task.id, state: 'cancelled' },
      );
    }
    if (e instanceof AppError && mode === 'live') {
      // The engine refused (e.g. the job waits for an incident): the task is as it was.
      await deps.db.tx((q) => revertCompletion(q, task.id));
    }
    throw e;
  }
  return finish(deps, task, actor, mode);
}

/** Completes the task's step in the engine: its Camunda user task, or its job. */
export function completeInEngine(engine: StepEngine, task: Pick<TaskRow, 'jobKey' | 'userTaskKey'>, variables: Record<string, unknown>): Promise<void> {
  if (task.userTaskKey) return engine.completeUserTask({ userTaskKey: task.userTaskKey, variables, action: 'complete' });
  return engine.completeJob({ jobKey: task.jobKey!, variables });
}

async function finish(deps: CompletionDeps, task: TaskRow, actor: Actor, mode: 'live' | 'recovery'): Promise<TaskRow> {
  const at = new Date(deps.clock.now());
  return deps.db.tx(async (q) => {
    const done = await finishCompletion(q, task.id, at);
    if (!done) return (await taskById(q, task.id)) ?? task; // settled meanwhile (by the sweep, or cancelled)
    const stepResult = done.dossierCode && deps.sla ? await deps.sla.stopStep(q, done.id, at) : undefined;
    await appendAudit(q, {
      actor: mode === 'live' ? actor.username : INBOX_ACTOR,
      role: mode === 'live' ? actor.role : SYSTEM_ROLE,
      agency: done.agencyCode,
      dossierCode: done.dossierCode,
      action: 'task.completed',
      at,
      payload: {
        ...auditedTask(done),
        completedBy: done.completedBy,
        decision: done.decision ?? {},
        stepResult: stepResult ?? null,
        ...(mode === 'recovery' ? { recovered: true } : {}),
      },
    });
    await deps.onTaskCompleted?.(q, done, mode === 'live' ? actor : { username: INBOX_ACTOR, role: SYSTEM_ROLE }, at);
    return done;
  });
}

/**
 * The job is gone without our completion (an interrupting boundary event, a cancelled
 * instance): the task leaves every inbox, its clock is cancelled and the audit says so.
 */
export async function withdraw(
  deps: Pick<CompletionDeps, 'db' | 'sla' | 'clock'>,
  task: TaskRow,
  noticedBy: 'completion' | 'lease' | 'engine',
): Promise<TaskRow | undefined> {
  const at = new Date(deps.clock.now());
  return deps.db.tx(async (q) => {
    const gone = await cancelTask(q, task.id, at);
    if (!gone) return undefined;
    if (gone.dossierCode) await deps.sla?.cancelStep?.(q, gone.id, at);
    await appendAudit(q, {
      actor: INBOX_ACTOR,
      role: SYSTEM_ROLE,
      agency: gone.agencyCode,
      dossierCode: gone.dossierCode,
      action: 'task.withdrawn',
      at,
      payload: { ...auditedTask(gone), noticedBy },
    });
    return gone;
  });
}

/**
 * The engine says the task's Camunda user task was completed, not through the inbox (an
 * administrator through /v2/user-tasks): the task is completed, its step clock judged, and the
 * audit says who noticed it and that the inbox holds no decision.
 */
export async function completedOutside(
  deps: Pick<CompletionDeps, 'db' | 'sla' | 'clock' | 'onTaskCompleted'>,
  task: TaskRow,
  completedAt: Date,
): Promise<TaskRow | undefined> {
  return deps.db.tx(async (q) => {
    const done = await completedElsewhere(q, task.id, completedAt);
    if (!done) return undefined;
    const stepResult = done.dossierCode && deps.sla ? await deps.sla.stopStep(q, done.id, completedAt) : undefined;
    await appendAudit(q, {
      actor: INBOX_ACTOR,
      role: SYSTEM_ROLE,
      agency: done.agencyCode,
      dossierCode: done.dossierCode,
      action: 'task.completed',
      at: new Date(deps.clock.now()),
      payload: {
        ...auditedTask(done),
        completedOutsideInbox: true,
        decision: null,
        stepResult: stepResult ?? null,
      },
    });
    await deps.onTaskCompleted?.(q, done, { username: INBOX_ACTOR, role: SYSTEM_ROLE }, completedAt);
    return done;
  });
}

/** How an audit row names a task: its id, its engine key, its step and its agency. */
export function auditedTask(t: Pick<TaskRow, 'id' | 'jobKey' | 'userTaskKey' | 'elementId' | 'name' | 'agencyCode'>) {
  return { taskId: t.id, ...keyOf(t), elementId: t.elementId, name: t.name, agencyCode: t.agencyCode };
}

/** The engine key an audit row names: the user task's, or the job's. */
export function keyOf(t: Pick<TaskRow, 'jobKey' | 'userTaskKey'>): { userTaskKey: string } | { jobKey: string | null } {
  return t.userTaskKey ? { userTaskKey: t.userTaskKey } : { jobKey: t.jobKey };
}
