/** ThrowError from a job: a BPMN error the element's boundary events (or its scopes', or a caller's) may catch. */
import { Conflict, Invalid } from '../../../errors.js';
import type { ThrowErrorRequest } from '../../port.js';
import type { EngineCore } from '../core.js';
import { checkVariables } from '../state.js';
import { jobRow } from '../sql/jobs.js';

export async function throwError(core: EngineCore, req: ThrowErrorRequest): Promise<void> {
  const variables = checkVariables(req.variables);
  if (!req.errorCode) throw new Invalid('errorCode is required');
  await core.jobCommand(req.jobKey, async (c, inst, el) => {
    const job = await jobRow(c.q, req.jobKey);
    if (job.state !== 'ACTIVATED' && job.state !== 'ACTIVATABLE') throw new Conflict(`job ${req.jobKey} is ${job.state}`);
    c.runtime.jobEvent(inst, el, req.jobKey, 'ERROR_THROWN', { errorCode: req.errorCode, errorMessage: req.errorMessage ?? '' });
    // Should nobody catch it, the job waits (failed) for its incident to be resolved; if a
    // boundary event catches it, the element and its job are gone and this update with it.
    c.fx.updateJob({
      key: req.jobKey,
      state: 'FAILED',
      retries: job.retries,
      activatable_at: core.clock.now(),
      deadline: null,
      worker: null,
      error_message: req.errorMessage ?? null,
    });
    el.jobFailed = true;
    el.errorJob = req.jobKey;
    c.runtime.ctx.cause = { command: 'THROW_ERROR', jobKey: req.jobKey };
    c.runtime.throwError(inst, el, req.errorCode, req.errorMessage ?? '', variables);
  });
}
