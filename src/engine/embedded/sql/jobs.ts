/** A job as the job commands check it before acting, and its type as a worker token's authorization checks it (by primary key). */
import type { Queryable } from '../../../db/index.js';
import { NotFound } from '../../../errors.js';
import type { JobUpdate } from '../effects.js';

/** The job's state as the commands check and rewrite it (the shape of an update). */
export type JobState = JobUpdate;

/**
 * The job, locked: every caller writes the whole row back (fail, throw, retries, timeout, resolve),
 * and activation and time-outs change it without the instance lock those commands hold. Read
 * unlocked, a job activated between this read and the write was put back as it was before, and
 * handed to a second worker (a review found it; activation skips a locked job until the next round).
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,372 events of history,
 * load 0.9): p50 0.20 ms, p99 2.45 ms over 159 calls, with the lock (0.19 / 2.17 ms without it, at
 * 289,349 events); Index Scan jobs_pkey.
 */
export async function jobRow(q: Queryable, jobKey: string): Promise<JobState> {
  const { rows } = await q.query<JobState>(
    `select key::text, state, retries, (extract(epoch from activatable_at) * 1000)::float8 as activatable_at,
            (extract(epoch from deadline) * 1000)::float8 as deadline, worker, error_message
       from engine.jobs where key = $1
        for update`,
    [jobKey],
  );
  if (!rows[0]) throw new NotFound(`job ${jobKey} not found`);
  return rows[0];
}

/**
 * The type of a job that exists (job-type.ts: what a worker token may act on), by primary key.
 *
 * Measured (npm run bench:engine-sql, PostgreSQL, 10,000 instances and 326,373 events of history):
 * p50 0.04 ms, p99 4.66 ms over 498 calls; Index Scan jobs_pkey.
 */
export async function jobType(q: Queryable, jobKey: string): Promise<string | undefined> {
  const { rows } = await q.query<{ type: string }>(`select type from engine.jobs where key = $1`, [jobKey]);
  return rows[0]?.type;
}
