/**
 * The inbox row of a user task: a job-worker user task's job, or a Camunda user task. Both keys
 * are unique (006's `job_key unique`, 014's `user_task_key unique`), so a task delivered twice —
 * Zeebe delivers at least once, and the user task follower may hear of a task twice — inserts
 * nothing the second time: the caller gets `created: false` and the row the first delivery wrote.
 */
import type { Queryable } from '../../db/index.js';
import { RETURNING, TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import type { TaskRow } from '../types.js';

/**
 * A task as the inbox first writes it: TaskRow's own fields, with its instants as dates and its
 * process id always known. Exactly one of `jobKey` and `userTaskKey`; an `assignee` is
 * pre-assigned by the BPMN (zeebe:assignmentDefinition assignee): the task starts claimed.
 */
export type NewTask = Pick<
  TaskRow,
  | 'jobKey'
  | 'userTaskKey'
  | 'dossierCode'
  | 'procedureCode'
  | 'processInstanceKey'
  | 'elementId'
  | 'elementInstanceKey'
  | 'name'
  | 'agencyCode'
  | 'agencyKind'
  | 'candidateGroups'
  | 'assignee'
  | 'formKey'
  | 'variables'
> & {
  bpmnProcessId: string;
  dueAt: Date | null;
  createdAt: Date;
};

const INSERT = `
insert into domain.tasks (job_key, user_task_key, dossier_code, procedure_code, bpmn_process_id, process_instance_key, element_id,
  element_instance_key, name, agency_code, agency_kind, candidate_groups, assignee, state, form_key, due_at, created_at,
  claimed_at, variables)
values ($1, $18, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14, $15::timestamptz, $16::timestamptz,
  case when $12::text is null then null else $16::timestamptz end, $17::jsonb)
on conflict do nothing
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
    t.userTaskKey,
  ]);
  if (rows[0]) return { created: true, task: toTask(rows[0]) };
  const existing = t.jobKey ? await taskByJobKey(q, t.jobKey) : await taskByUserTaskKey(q, t.userTaskKey!);
  if (!existing) throw new Error(`task ${t.jobKey ?? t.userTaskKey}: the insert met a conflict but no row has that key`);
  return { created: false, task: existing };
}

export async function taskByJobKey(q: Queryable, jobKey: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(`select ${TASK_COLUMNS} from domain.tasks t where t.job_key = $1`, [jobKey]);
  return rows[0] && toTask(rows[0]);
}

export async function taskByUserTaskKey(q: Queryable, userTaskKey: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(`select ${TASK_COLUMNS} from domain.tasks t where t.user_task_key = $1`, [userTaskKey]);
  return rows[0] && toTask(rows[0]);
}

/** Of these Camunda user task keys, those that have an inbox row. */
export async function knownUserTasks(q: Queryable, userTaskKeys: string[]): Promise<Set<string>> {
  if (!userTaskKeys.length) return new Set();
  const { rows } = await q.query<{ k: string }>(`select user_task_key::text as k from domain.tasks where user_task_key = any($1::bigint[])`, [userTaskKeys]);
  return new Set(rows.map((r) => r.k));
}

/** Unfinished inbox rows of Camunda user tasks, by id after `after` (the follower checks them against the engine). */
export async function openUserTaskRows(q: Queryable, after: string, limit: number): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t
      where t.user_task_key is not null and t.state in ('open', 'claimed', 'completing') and t.id > $1
      order by t.id limit $2`,
    [after, limit],
  );
  return rows.map(toTask);
}
