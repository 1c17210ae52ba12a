/**
 * Where an inbox row comes from, whatever the kind of user task: one transaction that writes the
 * row (idempotent on the task's key), and for a new row its step clock, its `task.created` audit
 * row (the handover from → to) and the dossier room's hook. The job worker (worker.ts) calls it for
 * a job-worker user task's job, the follower (user-task-follower.ts) for a Camunda user task.
 */
import { appendAudit } from '../audit/index.js';
import type { Db, Queryable } from '../db/index.js';
import type { Clock } from '../clock.js';
import type { Catalog } from '../procedures/index.js';
import { INBOX_ACTOR, keyOf, type StepClocks, type TaskCompletedHook } from './completion.js';
import { findDossier, handedOverFrom, resolveAgency, stepOf, type AgencyRef, type DossierRef, type InboxDossiers, type StepRef } from './resolve.js';
import { insertTask } from './sql/insertTask.js';
import type { TaskRow } from './types.js';

/** The agency of a task whose job names no candidate group and has no dossier. */
export const NO_AGENCY = '-';

/** A user task as the inbox needs it, from a job's headers or a Camunda user task's fields. */
export interface TaskSource {
  /** Exactly one of the two. */
  jobKey: string | null;
  userTaskKey: string | null;
  bpmnProcessId: string;
  processInstanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  /** Agency kinds. */
  candidateGroups: string[];
  assignee: string | null;
  formKey: string | null;
  /** ISO 8601, from the BPMN's schedule; the step clock's due instant otherwise. */
  dueDate: string | null;
  /** The variables the task sees: `dossierCode` finds its dossier; kept on the row only for a task of no dossier. */
  variables: Record<string, unknown>;
}

export interface PersistDeps {
  db: Db;
  clock: Clock;
  /** The dossiers tasks belong to (the dossier room's `inboxDossiers`); without it every task is of no dossier. */
  dossiers?: InboxDossiers;
  /** The procedure catalog: step limits and names by the dossier's rule version. */
  catalog?: Pick<Catalog, 'find'>;
  sla?: StepClocks;
  /** Called in the transaction that created a task (not for one delivered again). */
  onTaskCreated?: (q: Queryable, task: TaskRow) => Promise<void>;
  /** Told after the transaction that created a task committed (the inbox's live feed). */
  onTaskCommitted?: (task: TaskRow) => void;
  /** Called in the transaction that finishes a task (completion.ts). */
  onTaskCompleted?: TaskCompletedHook;
}

/** Writes the inbox row of `src` (see the module comment); `bpmnName` is the element's name, read beforehand. */
export async function persistTask(deps: PersistDeps, src: TaskSource, bpmnName: string | undefined): Promise<{ created: boolean; task: TaskRow }> {
  const at = new Date(deps.clock.now());
  const kinds = src.candidateGroups;
  const done = await deps.db.tx(async (q) => {
    const dossier = await findDossier(q, deps.dossiers, src);
    let agency: AgencyRef | { code: string; kind: string | null };
    let step: StepRef | undefined;
    if (dossier) {
      agency = await resolveAgency(q, kinds, dossier);
      step = stepOf(deps.catalog, dossier, agency.kind!, src.elementId);
    } else {
      agency = { code: kinds[0] ?? NO_AGENCY, kind: kinds[0] ?? null };
    }
    const { created, task } = await insertTask(q, {
      jobKey: src.jobKey,
      userTaskKey: src.userTaskKey,
      dossierCode: dossier?.code ?? null,
      procedureCode: dossier?.procedureCode ?? null,
      bpmnProcessId: src.bpmnProcessId,
      processInstanceKey: src.processInstanceKey,
      elementId: src.elementId,
      elementInstanceKey: src.elementInstanceKey,
      name: step?.name ?? bpmnName ?? src.elementId,
      agencyCode: agency.code,
      agencyKind: agency.kind,
      candidateGroups: kinds,
      assignee: src.assignee || null,
      formKey: src.formKey || null,
      dueAt: src.dueDate && !Number.isNaN(Date.parse(src.dueDate)) ? new Date(src.dueDate) : null,
      createdAt: at,
      // A dossier's data is read through the dossier (whose reads are logged), not copied here.
      variables: dossier ? {} : src.variables,
    });
    if (!created) return { created, task };
    let t = task;
    if (dossier && step && deps.sla) {
      const { dueAt: clockDue } = await deps.sla.startStepClock(q, {
        dossierCode: dossier.code,
        taskId: t.id,
        agencyCode: t.agencyCode,
        step: step.id,
        limit: step.limit,
        startedAt: at,
      });
      if (!t.dueAt && clockDue) {
        await q.query(`update domain.tasks set due_at = $2::timestamptz where id = $1`, [t.id, clockDue.toISOString()]);
        t = { ...t, dueAt: clockDue.toISOString() };
      }
    }
    await auditCreated(q, t, dossier, step, at);
    await deps.onTaskCreated?.(q, t);
    return { created, task: t };
  });
  if (done.created) {
    try {
      deps.onTaskCommitted?.(done.task);
    } catch {
      // a listener's failure is not the task's: the row is committed
    }
  }
  return done;
}

async function auditCreated(q: Queryable, t: TaskRow, dossier: DossierRef | undefined, step: StepRef | undefined, at: Date): Promise<void> {
  const from = dossier ? await handedOverFrom(q, dossier) : null;
  await appendAudit(q, {
    actor: INBOX_ACTOR,
    role: 'system',
    agency: t.agencyCode,
    dossierCode: t.dossierCode,
    action: 'task.created',
    at,
    payload: {
      taskId: t.id,
      ...keyOf(t),
      processInstanceKey: t.processInstanceKey,
      elementId: t.elementId,
      step: step?.id ?? null,
      name: t.name,
      from,
      to: { agencyCode: t.agencyCode, agencyKind: t.agencyKind, step: step?.id ?? t.elementId },
      dueAt: t.dueAt,
      limit: step?.limit ?? null,
    },
  });
}
