/** domain.tasks rows as the rest of the service sees them (TaskRow), and the SQL that reads them. */
import type { TaskRow, TaskState } from './types.js';

/** Every column a TaskRow needs; `t` is domain.tasks. */
export const TASK_COLUMNS = `t.id::text, t.job_key::text, t.user_task_key::text, t.dossier_code, t.procedure_code, t.bpmn_process_id,
  t.process_instance_key::text, t.element_id, t.element_instance_key::text, t.name, t.agency_code, t.agency_kind,
  t.candidate_groups, t.assignee, t.state, t.form_key, t.due_at, t.created_at, t.claimed_at, t.completed_at,
  t.completed_by, t.decision, t.variables, t.lease_until`;

/** Same columns for a `returning` clause (no alias there). */
export const RETURNING = TASK_COLUMNS.replace(/\bt\./g, '');

export interface DbTaskRow {
  id: string;
  job_key: string | null;
  user_task_key: string | null;
  dossier_code: string | null;
  procedure_code: string | null;
  bpmn_process_id: string | null;
  process_instance_key: string;
  element_id: string;
  element_instance_key: string;
  name: string;
  agency_code: string;
  agency_kind: string | null;
  candidate_groups: string[];
  assignee: string | null;
  state: TaskState;
  form_key: string | null;
  due_at: Date | string | null;
  created_at: Date | string;
  claimed_at: Date | string | null;
  completed_at: Date | string | null;
  completed_by: string | null;
  decision: Record<string, unknown> | null;
  variables: Record<string, unknown> | null;
  lease_until: Date | string | null;
}

export function toTask(r: DbTaskRow): TaskRow {
  return {
    id: r.id,
    jobKey: r.job_key,
    userTaskKey: r.user_task_key,
    dossierCode: r.dossier_code,
    procedureCode: r.procedure_code,
    bpmnProcessId: r.bpmn_process_id,
    processInstanceKey: r.process_instance_key,
    elementId: r.element_id,
    elementInstanceKey: r.element_instance_key,
    name: r.name,
    agencyCode: r.agency_code,
    agencyKind: r.agency_kind,
    candidateGroups: r.candidate_groups ?? [],
    assignee: r.assignee,
    state: r.state,
    formKey: r.form_key,
    dueAt: iso(r.due_at),
    createdAt: iso(r.created_at)!,
    claimedAt: iso(r.claimed_at),
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    decision: r.decision,
    variables: r.variables ?? {},
    leaseUntil: iso(r.lease_until),
  };
}

function iso(v: Date | string | null): string | null {
  if (v === null || v === undefined) return null;
  return (v instanceof Date ? v : new Date(v)).toISOString();
}

/** Builds `$n` placeholders while collecting their values. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}
