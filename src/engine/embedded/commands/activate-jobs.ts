/** ActivateJobs: claims activatable jobs of a type for a worker, with the variables their element sees. */
import { Invalid } from '../../../errors.js';
import type { ActivateJobsRequest, ActivatedJob } from '../../port.js';
import type { EngineCore } from '../core.js';
import { activateJobs as claimJobs } from '../sql/activateJobs.js';
import { visibleVariables } from '../state.js';

export async function activateJobs(core: EngineCore, req: ActivateJobsRequest): Promise<ActivatedJob[]> {
  if (!req.type) throw new Invalid('type is required');
  if (!Number.isInteger(req.maxJobsToActivate) || req.maxJobsToActivate < 1) throw new Invalid('maxJobsToActivate must be a positive integer');
  if (!Number.isFinite(req.timeout) || req.timeout < 1) throw new Invalid('timeout must be a positive number of milliseconds');
  const now = core.clock.now();
  const worker = req.worker || 'default';
  const claimed = await claimJobs(core.db, req.type, worker, Math.min(req.maxJobsToActivate, 1000), now, now + req.timeout);
  if (!claimed.length) return [];
  return claimed.map((j) => {
    const doc = j.doc;
    let variables = doc ? visibleVariables(doc, j.element_instance_key) : {};
    if (req.fetchVariable?.length) {
      variables = Object.fromEntries(req.fetchVariable.filter((n) => n in variables).map((n) => [n, variables[n]]));
    }
    return {
      key: j.key,
      type: j.type,
      processInstanceKey: j.process_instance_key,
      bpmnProcessId: j.bpmn_process_id,
      processDefinitionVersion: j.version,
      processDefinitionKey: j.definition_key,
      elementId: j.element_id,
      elementInstanceKey: j.element_instance_key,
      customHeaders: j.custom_headers,
      worker,
      retries: j.retries,
      deadline: j.deadline_ms,
      variables,
    };
  });
}
