/** UpdateJobTimeout: an activated job's deadline moves to now + timeout. */
import { Conflict, Invalid } from '../../../errors.js';
import type { EngineCore } from '../core.js';
import { jobRow } from '../sql/jobs.js';

export async function updateJobTimeout(core: EngineCore, jobKey: string, timeout: number): Promise<void> {
  if (!Number.isFinite(timeout) || timeout < 1) throw new Invalid('timeout must be a positive number of milliseconds');
  await core.jobCommand(jobKey, async (c) => {
    const job = await jobRow(c.q, jobKey);
    if (job.state !== 'ACTIVATED') throw new Conflict(`job ${jobKey} is ${job.state}, only an activated job has a timeout`);
    c.fx.updateJob({ ...job, deadline: core.clock.now() + timeout });
  });
}
