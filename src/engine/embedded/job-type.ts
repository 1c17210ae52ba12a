/**
 * The type of a job that exists (activatable, activated or failed), or undefined: what the
 * authorization of a worker token needs to let it complete, fail or update only jobs of its own
 * types (http/gateway-access.ts, http/v2/jobs.ts). A completed job is gone, and the command on
 * it answers NOT_FOUND by itself.
 */
import type { Queryable } from '../../db/index.js';
import { jobType } from './sql/jobs.js';

export async function jobTypeOf(db: Queryable, jobKey: string): Promise<string | undefined> {
  if (!/^[1-9]\d{0,18}$/.test(jobKey)) return undefined;
  return jobType(db, jobKey);
}
