/**
 * What the dossier room reads of the inbox: a dossier's steps (one task per step an agency was
 * handed), the first hand-over of several dossiers, the open task of one step, what the
 * reconciler looks at (tasks of open dossiers, who completed a step, instances with unfinished
 * tasks) — so that no room but this one writes SQL against domain.tasks. (Whether an agency
 * holds or held a step of a dossier is the dossier room's own record: dossiers/visibility.ts.) Unscoped: the dossier room applies its own visibility rule first.
 */
import type { Queryable } from '../../db/index.js';
import { TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import type { TaskRow, TaskState } from '../types.js';

/** Every task of a dossier, in the order the steps were handed over (created_at, then id). */
export async function tasksOfDossier(q: Queryable, dossierCode: string): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(`select ${TASK_COLUMNS} from domain.tasks t where t.dossier_code = $1 order by t.created_at, t.id`, [dossierCode]);
  return rows.map(toTask);
}

/** The first task handed over for each of `dossierCodes` (those with none are absent). */
export async function firstTasksOf(q: Queryable, dossierCodes: string[]): Promise<Map<string, TaskRow>> {
  if (!dossierCodes.length) return new Map();
  const { rows } = await q.query<DbTaskRow>(
    `select distinct on (t.dossier_code) ${TASK_COLUMNS} from domain.tasks t
      where t.dossier_code = any($1::text[]) order by t.dossier_code, t.created_at, t.id`,
    [dossierCodes],
  );
  return new Map(rows.map((r) => [r.dossier_code!, toTask(r)]));
}

/** The newest unfinished (open or claimed) task of a dossier at `elementId`. */
export async function openTaskOf(q: Queryable, dossierCode: string, elementId: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t
      where t.dossier_code = $1 and t.element_id = $2 and t.state in ('open', 'claimed') order by t.id desc limit 1`,
    [dossierCode, elementId],
  );
  return rows[0] && toTask(rows[0]);
}

/** The tasks of `dossierCodes` at one of `elementIds` in one of `states`, oldest first (the reconciler's look at open dossiers' hand-back steps). */
export async function tasksOfDossiersIn(q: Queryable, dossierCodes: string[], elementIds: string[], states: readonly TaskState[]): Promise<TaskRow[]> {
  if (!dossierCodes.length || !elementIds.length) return [];
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t
      where t.dossier_code = any($1::text[]) and t.element_id = any($2::text[]) and t.state = any($3::text[]) order by t.id`,
    [dossierCodes, elementIds, states],
  );
  return rows.map(toTask);
}

/** The newest completed task of a dossier at `elementId` (who handed the result back). */
export async function lastCompletedTaskOf(q: Queryable, dossierCode: string, elementId: string): Promise<TaskRow | undefined> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t
      where t.dossier_code = $1 and t.element_id = $2 and t.state = 'completed' order by t.id desc limit 1`,
    [dossierCode, elementId],
  );
  return rows[0] && toTask(rows[0]);
}

/** The dossier and process instance of every unfinished (open or claimed) task of a dossier. */
export async function openTaskInstances(q: Queryable): Promise<{ dossierCode: string; processInstanceKey: string }[]> {
  const { rows } = await q.query<{ dossierCode: string; processInstanceKey: string }>(
    `select distinct dossier_code as "dossierCode", process_instance_key::text as "processInstanceKey" from domain.tasks
      where dossier_code is not null and state in ('open', 'claimed')`,
  );
  return rows;
}
