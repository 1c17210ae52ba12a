/**
 * Handing the result back at the counter: the last transition of a dossier. For a done dossier it
 * completes the process's return step through the inbox, whose commit records the return.
 */
import { appendAudit } from '../audit/index.js';
import { Forbidden } from '../errors.js';
import type { Queryable } from '../db/index.js';
import { openTaskOf, type TaskRow } from '../tasks/index.js';
import { checkActor, checkMayAct, returnStep, staff, versionOf, type DossierDeps } from './context.js';
import { can, illegal, transition } from './lifecycle.js';
import { findDossier, insertEvent, moveStatus } from './store.js';
import type { Actor, DossierRow } from './types.js';
import { visibleDossier } from './visibility.js';

/**
 * The counter hands the result (or, for a refused or stopped dossier, the papers) back. For a
 * done dossier this completes the process's return step through the inbox, as the counter
 * officer, and the inbox's commit of that step records the return (onTaskCompleted): the
 * inbox, the engine and the dossier agree, whichever way the counter hands the result back.
 */
export async function returnResult(deps: DossierDeps, actor: Actor, code: string, input: { note?: string } = {}): Promise<DossierRow> {
  checkActor(actor);
  const d = await visibleDossier(deps.db, actor, code);
  checkMayAct(actor, ['counter', 'admin']);
  transition('return', code, d.status);
  if (actor.role === 'counter' && d.receivingAgency !== actor.agencyCode) {
    throw new Forbidden(`chỉ bộ phận một cửa đã tiếp nhận hồ sơ mới trả kết quả (only the receiving section returns the result)`);
  }
  if (d.status === 'done') {
    await completeReturnStep(deps, actor, d, input);
    const now = await findDossier(deps.db, code);
    if (now?.status === 'returned') return now;
  }
  return recordReturn(deps, actor, code, input.note ?? null);
}

async function completeReturnStep(deps: DossierDeps, actor: Actor, d: DossierRow, input: { note?: string }): Promise<void> {
  const { version } = versionOf(deps.catalog, d);
  const back = returnStep(version)!;
  const task = await openTaskOf(deps.db, d.code, back.elementId);
  if (!task) return; // already completed through the inbox (reconcile would have marked it returned)
  const who = staff(actor);
  // The composition root always wires the inbox; a service without it cannot hand a result back.
  if (!deps.tasks || !who) throw new Error(`returning ${d.code}: the inbox is not wired or the actor is not staff`);
  await deps.tasks.complete(who, task.id, { outcome: 'done', ...(input.note ? { note: input.note } : {}) });
}

/**
 * The tasks room's hook, in the transaction that finishes a task: the return step of a done
 * dossier finished — from the inbox's task page or from /return — is the dossier returned, in the
 * same commit. Any other task, or a dossier in another state, is left as it is.
 */
export async function onTaskCompleted(deps: DossierDeps, q: Queryable, task: TaskRow, by: Actor, at: Date): Promise<void> {
  if (!task.dossierCode) return;
  const d = await findDossier(q, task.dossierCode, true);
  if (d?.status !== 'done' || !can('return', d.status)) return;
  if (returnStep(versionOf(deps.catalog, d).version)?.elementId !== task.elementId) return;
  const note = typeof task.decision?.note === 'string' ? task.decision.note : null;
  await returnIn(q, d, { ...by, agencyCode: by.agencyCode ?? task.agencyCode }, note, at);
}

export async function recordReturn(deps: DossierDeps, actor: Actor, code: string, note: string | null): Promise<DossierRow> {
  const at = new Date(deps.clock.now());
  return deps.db.tx(async (q) => {
    await returnIn(q, (await findDossier(q, code, true))!, actor, note, at);
    return (await findDossier(q, code))!;
  });
}

/** → returned, in the caller's transaction (the dossier row locked). */
async function returnIn(q: Queryable, d: DossierRow, actor: Actor, note: string | null, at: Date): Promise<void> {
  const code = d.code;
  const to = transition('return', code, d.status);
  if (!(await moveStatus(q, code, [d.status], to, at, { returned_at: at.toISOString() }))) throw illegal('return', code, d.status, [d.status]);
  await insertEvent(q, { code, at, from: d.status, to, actor, reason: note, payload: { outcome: d.result?.outcome ?? 'done' } });
  await appendAudit(q, {
    actor: actor.username,
    role: actor.role,
    agency: actor.agencyCode ?? d.receivingAgency,
    dossierCode: code,
    action: 'dossier.returned',
    at,
    payload: { from: d.status, note },
  });
}
