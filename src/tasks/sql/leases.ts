/**
 * The inbox holds each user-task job on a lease (the job's timeout in the engine). These read
 * and record the leases; the sweep in worker.ts renews them and finishes interrupted
 * completions.
 */
import type { Queryable } from '../../db/index.js';
import { TASK_COLUMNS, toTask, type DbTaskRow } from '../rows.js';
import type { TaskRow } from '../types.js';

/** Records the lease the engine granted (after updateJobTimeout returned). */
export async function recordLease(q: Queryable, jobKey: string, until: Date): Promise<void> {
  await q.query(`update domain.tasks set lease_until = $2::timestamptz where job_key = $1 and state in ('open', 'claimed', 'completing')`, [
    jobKey,
    until.toISOString(),
  ]);
}

/** Unfinished job-worker tasks whose lease is unknown or ends before `before`, by id after `after` (a Camunda user task has no lease). */
export async function leasesEndingBefore(q: Queryable, before: Date, after: string, limit: number): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t
      where t.job_key is not null and t.state in ('open', 'claimed', 'completing')
        and (t.lease_until is null or t.lease_until < $1::timestamptz)
        and t.id > $2
      order by t.id limit $3`,
    [before.toISOString(), after, limit],
  );
  return rows.map(toTask);
}

/** Completions begun before `before` and never finished (the process stopped between the two steps). */
export async function stalledCompletions(q: Queryable, before: Date, limit: number): Promise<TaskRow[]> {
  const { rows } = await q.query<DbTaskRow>(
    `select ${TASK_COLUMNS} from domain.tasks t where t.state = 'completing' and t.completing_at < $1::timestamptz
      order by t.completing_at, t.id limit $2`,
    [before.toISOString(), limit],
  );
  return rows.map(toTask);
}
