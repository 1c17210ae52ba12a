/** FailJob: the job is retried (after its back-off) while retries remain; at none, an incident. */
import { Conflict, Invalid } from '../../../errors.js';
import type { FailJobRequest } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { jobRow } from '../sql/jobs.js';
import { localsOf, setVariables } from '../runtime/variables.js';

export async function failJob(core: EngineCore, req: FailJobRequest): Promise<void> {
  const variables = checkVariables(req.variables);
  if (!Number.isInteger(req.retries)) throw new Invalid('retries must be an integer');
  const backOff = req.retryBackOff ?? 0;
  if (!Number.isFinite(backOff) || backOff < 0) throw new Invalid('retryBackOff must be a non-negative number of milliseconds');
  await core.jobCommand(req.jobKey, async (c, inst, el) => {
    const job = await jobRow(c.q, req.jobKey);
    if (job.state !== 'ACTIVATED') throw new Conflict(`job ${req.jobKey} is ${job.state}, only an activated job can fail`);
    const now = core.clock.now();
    c.runtime.ctx.cause = { command: 'FAIL_JOB', jobKey: req.jobKey };
    if (Object.keys(variables).length) setVariables(c.runtime.ctx, inst, el.key, localsOf(el), variables, el);
    const message = req.errorMessage ?? '';
    c.runtime.jobEvent(inst, el, req.jobKey, 'FAILED', { retries: req.retries, errorMessage: message });
    if (req.retries > 0) {
      c.fx.updateJob({
        key: req.jobKey,
        state: 'ACTIVATABLE',
        retries: req.retries,
        activatable_at: now + backOff,
        deadline: null,
        worker: null,
        error_message: message,
      });
    } else {
      c.fx.updateJob({
        key: req.jobKey,
        state: 'FAILED',
        retries: 0,
        activatable_at: now,
        deadline: null,
        worker: null,
        error_message: message,
      });
      el.jobFailed = true;
      c.runtime.raiseIncident(inst, el, 'JOB_NO_RETRIES', message || 'No more retries left.', undefined, undefined, req.jobKey);
    }
  });
}
