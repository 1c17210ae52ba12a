/**
 * Job-based tasks (service, send, business rule, script with a job type, job-worker user task):
 * activating one creates a job and the token waits for it; completing the job completes the task.
 */
import type { FlowNode } from '../../../bpmn/index.js';
import { evaluateNumber, evaluateString } from '../../../feel/index.js';
import type { JobRow } from '../effects.js';
import { visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Activate, RuntimeContext, Tokens, Variables } from './behaviour.js';
import { openBoundaries } from './catch-events.js';
import { IncidentSignal } from './incidents.js';
import { jobEvent } from './records.js';
import { toDate, toList } from './user-task.js';

export const activateJobTask: Activate = (t, inst, el, node) => {
  createJob(t.ctx, inst, el, node);
  t.markActivated(inst, el, node);
  openBoundaries(t, inst, el, node);
};

/** A job's work is done: the element completes with the job's variables. */
export function completeJob(t: Tokens, inst: InstanceRow, el: ElementInstance, variables: Variables): void {
  t.ctx.effects.deleteJob(el.job!);
  jobEvent(t.ctx, inst, el, el.job!, 'COMPLETED', { variables });
  delete el.job;
  t.queueComplete(inst, el.key, variables);
}

function createJob(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
  const vars = visibleVariables(inst.doc, el.key);
  const def = node.job!;
  let type: string;
  let retries: number;
  const headers: Record<string, string> = { ...def.headers };
  try {
    type = evaluateString(def.type, vars, 'the job type');
    retries = Math.trunc(evaluateNumber(def.retries, vars, 'the job retries'));
    if (node.userTask) Object.assign(headers, userTaskHeaders(node, vars));
  } catch (e) {
    throw new IncidentSignal('EXTRACT_VALUE_ERROR', (e as Error).message);
  }
  const job: JobRow = {
    key: ctx.keys.next(),
    type,
    state: 'ACTIVATABLE',
    process_instance_key: inst.key,
    element_instance_key: el.key,
    element_id: el.id,
    bpmn_process_id: inst.bpmnProcessId,
    definition_key: inst.definitionKey,
    version: inst.version,
    retries,
    activatable_at: ctx.now,
    custom_headers: headers,
    created_at: ctx.now,
  };
  el.job = job.key;
  ctx.effects.createJob(job);
  jobEvent(ctx, inst, el, job.key, 'CREATED', { type, retries });
}

/** Zeebe's job-based user task: the assignment and schedule travel as job headers. */
function userTaskHeaders(node: FlowNode, vars: Variables): Record<string, string> {
  const ut = node.userTask!;
  const h: Record<string, string> = {};
  if (ut.assignee) h['io.camunda.zeebe:assignee'] = evaluateString(ut.assignee, vars, 'the assignee');
  if (ut.candidateGroups) h['io.camunda.zeebe:candidateGroups'] = JSON.stringify(toList(ut.candidateGroups, vars, 'candidate groups'));
  if (ut.candidateUsers) h['io.camunda.zeebe:candidateUsers'] = JSON.stringify(toList(ut.candidateUsers, vars, 'candidate users'));
  if (ut.dueDate) h['io.camunda.zeebe:dueDate'] = toDate(ut.dueDate, vars, 'the due date');
  if (ut.followUpDate) h['io.camunda.zeebe:followUpDate'] = toDate(ut.followUpDate, vars, 'the follow-up date');
  if (ut.formKey) h['io.camunda.zeebe:formKey'] = ut.formKey;
  return h;
}
