/**
 * ResolveIncident: a job incident makes its job activatable again (once it has retries); any
 * other retries the step that raised it (activation or completion).
 */
import { Conflict, NotFound } from '../../../errors.js';
import type { EngineCore } from '../core.js';
import { isKey } from '../definitions.js';
import { incidentRow } from '../sql/incidents.js';
import { jobRow } from '../sql/jobs.js';
import { lockInstanceOfIncident } from '../sql/lockInstance.js';

export async function resolveIncident(core: EngineCore, incidentKey: string): Promise<void> {
  if (!isKey(incidentKey)) throw new NotFound(`incident ${incidentKey} not found`);
  await core.command(async (c) => {
    c.runtime.ctx.cause = { command: 'RESOLVE_INCIDENT' };
    const inst = await lockInstanceOfIncident(c.q, incidentKey);
    const inc = await incidentRow(c.q, incidentKey);
    if (!inc || inc.state !== 'ACTIVE' || !inst || inst.state !== 'ACTIVE') throw new NotFound(`incident ${incidentKey} not found or already resolved`);
    await core.use(c, inst.definitionKey);
    c.fx.track(inst, false);
    const el = inst.doc.els[inc.element_instance_key];
    const now = core.clock.now();
    c.fx.resolveIncident(incidentKey, now);
    c.fx.event({
      valueType: 'INCIDENT',
      intent: 'RESOLVED',
      at: now,
      processInstanceKey: inst.key,
      elementInstanceKey: inc.element_instance_key,
      elementId: el?.id ?? null,
      bpmnProcessId: inst.bpmnProcessId,
      payload: { incidentKey },
    });
    if (el) {
      if (inc.job_key) {
        const job = await jobRow(c.q, inc.job_key);
        if (job.retries <= 0) {
          throw new Conflict(`job ${inc.job_key} of incident ${incidentKey} has no retries left: update the job's retries, then resolve the incident`);
        }
        c.fx.updateJob({ ...job, state: 'ACTIVATABLE', activatable_at: now, deadline: null, worker: null });
        delete el.jobFailed;
        delete el.errorJob;
        delete el.incident;
      } else {
        c.runtime.retry(inst, el);
      }
    }
    inst.hasIncident = Object.values(inst.doc.els).some((e) => e.incident);
  });
}
