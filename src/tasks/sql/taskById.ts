/** One task by id: as the caller may see it (scoped), or as it is (the service's own reads). */
import type { Queryable } from '../../db/index.js';
import { Params, TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import { scopeSql } from '../scope.js';
import type { Actor, TaskRow } from '../types.js';

export async function taskById(q: Queryable, id: string, actor?: Actor): Promise<TaskRow | undefined> {
  const p = new Params();
  const where = `t.id = ${p.add(id)}${actor ? ` and ${scopeSql(actor, p)}` : ''}`;
  const { rows } = await q.query<DbTaskRow>(`select ${TASK_COLUMNS} from domain.tasks t where ${where}`, p.values);
  return rows[0] && toTask(rows[0]);
}
