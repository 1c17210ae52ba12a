/**
 * The inbox row of a user-task job. The job key is unique (006's `job_key unique`), so a job
 * delivered twice — Zeebe delivers at least once — inserts nothing the second time: the caller
 * gets `created: false` and the row the first delivery wrote.
 */
import type { Queryable } from '../../db/index.js';
import { RETURNING, TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import type { TaskRow } from '../types.js';

export interface NewTask {
  jobKey: string;
  dossierCode: string | null;
  procedureCode: string | null;
  bpmnProcessId: string;
  processInstanceKey: string;
  elementId: string;
  elementInstanceKey: string;
  name: string;
  agencyCode: string;
  agencyKind: string | null;
  candidateGroups: string[];
  /** Pre-assigned by the BPMN (zeebe:assignmentDefinition assignee): the task starts claimed. */
  assignee: string | null;
  formKey: string | null;
  dueAt: Date | null;
  createdAt: Date;
  variables: Record<string, unknown>;
}

const INSERT = `
insert into domain.tasks (job_key, dossier_code, procedure_code, bpmn_process_id, process_instance_key, element_id,
  element_instance_key, name, agency_code, agency_kind, candidate_groups, assignee, state, form_key, due_at, created_at,
  claimed_at, variables)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14, $15::timestamptz, $16::timestamptz,
  case when $12::text is null then null else $16::timestamptz end, $17::jsonb)
on conflict (job_key) do nothing
returning ${RETURNING}`;

export async function insertTask(q: Queryable, t: NewTask): Promise<{ created: boolean; task: TaskRow }> {
  const { rows } = await q.query<DbTaskRow>(INSERT, [
    t.jobKey,
    t.dossierCode,
    t.procedureCode,
    t.bpmnProcessId,
    t.processInstanceKey,
    t.elementId,
    t.elementInstanceKey,
    t.name,
    t.agencyCode,
    t.agencyKind,
    t.candidateGroups,
    t.assignee,
    t.assignee ? 'claimed' : 'open',
    t.formKey,
    t.dueAt?.toISOString() ?? null,
    t.createdAt.toISOString(),
    JSON.stringify(t.variables),
  ]);
  if (rows[0]) return { created: true, task: toTask(rows[0]) };
  const existing = await taskByJobKey(q, t.jobKey);
  if (!existing) throw new Error(`job ${t.jobKey}: the insert met a conflict but no row has that job key`);
  return { created: false, task: existing };
}

export async function taskByJobKey(q: Queryable, jobKey: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(`select ${TASK_COLUMNS} from domain.tasks t where t.job_key = $1`, [jobKey]);
  return rows[0] && toTask(rows[0]);
}
