/**
 * Keeping the dossier in step with its process.
 *
 * WHEN IS A DOSSIER DONE? When its process reaches the return step (`returnResult`, performed by
 * the receiving one-stop section): every agency step before it is finished, and the result waits
 * at the counter. The inbox tells us, in the transaction that creates that step's task
 * (`onTaskCreated`, the tasks room's hook): → done, the dossier clock stopped and judged. Any
 * other task created moves a received or supplemented dossier to in_progress (handed over).
 * Returned is that step completed (return.ts `onTaskCompleted`, in the commit finishing it).
 *
 * What the inbox cannot see, `reconcile` finds by asking the engine about the dossiers' process
 * instances: a process that ended without reaching the return step stopped the dossier itself
 * (the land procedure's unpaid-tax timer → form 05); a return step completed straight from the
 * inbox means returned (both ended.ts); a refused or stopped dossier whose cancel did not go
 * through is cancelled again; an instance that is not its dossier's own, or runs for a receipt
 * that failed, is cancelled (strays.ts); receipts interrupted between the engine and T2 are
 * finished (receipt.ts); and a process that was not given the due dates or the message its
 * dossier owes it gets them (owed.ts).
 */
import { appendAudit } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { tasksOfDossiersIn, type TaskRow } from '../tasks/index.js';
import { cancelInstance } from './actions.js';
import { returnStep, versionOf, type DossierDeps } from './context.js';
import { instancesIn, settleEndedProcesses } from './ended.js';
import { can } from './lifecycle.js';
import { notifyApplicant, resultAnnounced } from './notices.js';
import { tellProcesses } from './owed.js';
import { linkInstance, recoverIntakes } from './receipt-steps.js';
import { strayInstances } from './strays.js';
import { dossierInstances, findDossier, insertEvent, moveStatus } from './store.js';
import type { Actor, DossierRow } from './types.js';
import { noteStepAgency } from './visibility.js';

const INBOX: Actor = { username: 'lienthong.inbox', role: 'system' };

/** The tasks room's hook: runs in the transaction that created `task`. Never throws for a state it does not expect. */
export async function onTaskCreated(deps: DossierDeps, q: Queryable, task: TaskRow): Promise<void> {
  if (!task.dossierCode) return;
  const d = await findDossier(q, task.dossierCode, true);
  if (!d) return;
  await noteStepAgency(q, d.code, task.agencyCode, new Date(task.createdAt));
  const { version } = versionOf(deps.catalog, d);
  // The receipt's T2 has not linked the instance yet (a crash between the engine and T2): the
  // dossier's first task says which instance is its own (receipt.ts, as recoverIntakes reads it).
  if (!d.processInstanceKey && task.processInstanceKey) await linkInstance(deps, q, d, version, task.processInstanceKey);
  const back = returnStep(version);
  const at = new Date(task.createdAt);
  const actor: Actor = { ...INBOX, agencyCode: task.agencyCode };
  if (back && task.elementId === back.elementId) {
    if (!can('finish', d.status)) {
      deps.log.warn({ dossierCode: d.code, status: d.status, taskId: task.id }, 'the return step began while the dossier cannot finish; left as it is');
      return;
    }
    await finish(deps, q, d, { id: task.id, agencyCode: task.agencyCode, elementId: task.elementId }, at);
    return;
  }
  if (can('handOver', d.status)) {
    await moveStatus(q, d.code, [d.status], 'in_progress', at);
    await insertEvent(q, {
      code: d.code,
      at,
      from: d.status,
      to: 'in_progress',
      actor,
      payload: { taskId: task.id, step: task.elementId, agencyCode: task.agencyCode },
    });
  }
}

/** → done: the agencies have finished; the dossier clock is stopped and judged. */
async function finish(deps: DossierDeps, q: Queryable, d: DossierRow, task: { id: string; agencyCode: string; elementId: string }, at: Date): Promise<void> {
  const actor: Actor = { ...INBOX, agencyCode: task.agencyCode };
  await moveStatus(q, d.code, [d.status], 'done', at, {
    done_at: at.toISOString(),
    result: JSON.stringify({ outcome: 'done', at: at.toISOString() }),
  });
  await insertEvent(q, { code: d.code, at, from: d.status, to: 'done', actor, payload: { taskId: task.id, step: task.elementId } });
  const judged = await deps.sla.stopDossier(q, d.code, at);
  await appendAudit(q, {
    actor: INBOX.username,
    role: 'system',
    agency: task.agencyCode,
    dossierCode: d.code,
    action: 'dossier.done',
    at,
    payload: { taskId: task.id, sla: judged ?? null },
  });
  // A process that told the applicant itself (its notify-citizen step) is not echoed.
  if (!(await resultAnnounced(q, d.code))) await notifyApplicant(deps, q, d, 'dossier.done', at, { agency: task.agencyCode });
}

/**
 * The safety net of the hook: a dossier still open whose return step's task exists (the hook was
 * not wired, or its transaction was lost) is finished as the hook would have finished it.
 */
async function finishMissed(deps: DossierDeps): Promise<number> {
  const open = await dossierInstances(deps.db, `d.status = any($1::text[]) and d.process_instance_key is not null`, [
    ['received', 'in_progress', 'supplemented'],
  ]);
  const backOf = new Map(open.map((d) => [d.code, returnStep(versionOf(deps.catalog, d).version)?.elementId]));
  const tasks = await tasksOfDossiersIn(
    deps.db,
    open.map((d) => d.code),
    [...new Set([...backOf.values()].filter((e): e is string => !!e))],
    ['open', 'claimed', 'completing', 'completed'],
  );
  const own = new Map(open.map((d) => [d.code, d]));
  let n = 0;
  for (const t of tasks) {
    const d = own.get(t.dossierCode!);
    if (!d || t.processInstanceKey !== d.processInstanceKey || backOf.get(d.code) !== t.elementId) continue;
    const done = await deps.db.tx(async (q) => {
      const now = await findDossier(q, d.code, true);
      if (!now || !can('finish', now.status)) return false;
      await finish(deps, q, now, { id: t.id, agencyCode: t.agencyCode, elementId: t.elementId }, new Date(t.createdAt));
      return true;
    });
    if (done) n++;
  }
  return n;
}

export interface ReconcileResult {
  recovered: number;
  /** Finished here because the inbox hook did not. */
  finished: number;
  stopped: number;
  returned: number;
  cancelled: number;
  /** Processes given the due dates or the message a crash or a failed engine call left owed (owed.ts). */
  processesTold: number;
}

/** What a recent pass looks back at: processes that ended this recently, strays started this recently. */
export const RECENT = { endedMs: 15 * 60_000, straysMs: 3_600_000 };
/** What a full pass looks back at for strays (every waiting dossier's process it asks about, ended or not). */
export const FULL_STRAYS_MS = 86_400_000;

/**
 * One pass; safe to run from several processes (every change is a guarded transition). A full
 * pass asks the engine about every waiting dossier's process (ended.ts) and for strays started in
 * the last day (strays.ts); a `recent` one — the background loop's usual pass — only about
 * processes that ended in the last 15 minutes and strays started in the last hour, so its cost
 * follows what happened lately, not how many dossiers are open.
 */
export async function reconcile(deps: DossierDeps, opts: { intakeGraceMs?: number; batch?: number; recent?: boolean } = {}): Promise<ReconcileResult> {
  const out: ReconcileResult = {
    recovered: await recoverIntakes(deps, opts.intakeGraceMs ?? 60_000),
    finished: await finishMissed(deps),
    stopped: 0,
    returned: 0,
    cancelled: 0,
    processesTold: await tellProcesses(deps),
  };
  if (!deps.queries) return out;
  const settled = await settleEndedProcesses(deps, { batch: opts.batch, endedWithinMs: opts.recent ? RECENT.endedMs : undefined });
  out.stopped = settled.stopped;
  out.returned = settled.returned;

  // Instances that should not be running: of refused/stopped dossiers (whose papers may have been
  // handed back already: returned, with that outcome), and not their dossier's own.
  const { rows: ended } = await deps.db.query<{ key: string; code: string }>(
    `select d.process_instance_key::text as key, d.code from domain.dossiers d
      where (d.status in ('refused', 'stopped') or (d.status = 'returned' and d.result->>'outcome' in ('refused', 'stopped', 'withdrawn')))
        and d.process_instance_key is not null and d.updated_at > $1::timestamptz`,
    [new Date(deps.clock.now() - 7 * 86_400_000).toISOString()],
  );
  const byKey = new Map<string, { key: string; code: string }>();
  for (const r of [...ended, ...(await strayInstances(deps, opts.recent ? RECENT.straysMs : FULL_STRAYS_MS))]) byKey.set(r.key, r);
  const rows = [...byKey.values()];
  const active = await instancesIn(
    deps,
    rows.map((r) => r.key),
    ['ACTIVE'],
  );
  for (const r of rows) {
    if (!active.has(r.key)) continue;
    // A stray's steps leave the inboxes with it, not at the inbox's hourly sweep.
    if ((await cancelInstance(deps, r.key, r.code)) && deps.tasks) {
      await deps.tasks.withdrawInstanceTasks(r.key).catch((e: unknown) => {
        deps.log.warn({ err: e, dossierCode: r.code, processInstanceKey: r.key }, "could not withdraw a cancelled instance's tasks; the inbox's sweep will");
      });
    }
    out.cancelled++;
  }
  return out;
}
