/** A job as the job commands check it before acting (by primary key). */
import type { Queryable } from '../../../db/index.js';
import { NotFound } from '../../../errors.js';

export interface JobState {
  key: string;
  state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED';
  retries: number;
  activatable_at: number;
  deadline: number | null;
  worker: string | null;
  error_message: string | null;
}

export async function jobRow(q: Queryable, jobKey: string): Promise<JobState> {
  const { rows } = await q.query<JobState>(
    `select key::text, state, retries, (extract(epoch from activatable_at) * 1000)::float8 as activatable_at,
            (extract(epoch from deadline) * 1000)::float8 as deadline, worker, error_message
       from engine.jobs where key = $1`,
    [jobKey],
  );
  if (!rows[0]) throw new NotFound(`job ${jobKey} not found`);
  return rows[0];
}
