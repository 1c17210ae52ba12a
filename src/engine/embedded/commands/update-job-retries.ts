/** UpdateJobRetries: a failed job gets retries back (its incident is then resolved to run it again). */
import { Invalid } from '../../../errors.js';
import type { EngineCore } from '../core.js';
import { jobRow } from '../sql/jobs.js';

export async function updateJobRetries(core: EngineCore, jobKey: string, retries: number): Promise<void> {
  if (!Number.isInteger(retries) || retries < 1) throw new Invalid('retries must be a positive integer');
  await core.jobCommand(jobKey, async (c) => {
    const job = await jobRow(c.q, jobKey);
    c.fx.updateJob({ ...job, retries });
  });
}
