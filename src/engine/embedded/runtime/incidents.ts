/**
 * Incidents: a step that cannot go on (an expression failed, a job ran out of retries, an error
 * nobody caught) stops its token and opens an incident; resolving it retries the step.
 */
import { FeelEvaluationError } from '../../../feel/index.js';
import { TimerError } from '../../../bpmn/index.js';
import type { ElementInstance, InstanceRow } from '../state.js';
import type { RuntimeContext, Variables } from './behaviour.js';

export type IncidentType =
  | 'JOB_NO_RETRIES'
  | 'UNHANDLED_ERROR_EVENT'
  | 'CONDITION_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'IO_MAPPING_ERROR'
  | 'CALLED_ELEMENT_ERROR'
  | 'FORM_NOT_FOUND'
  | 'UNKNOWN';

/** Thrown by a behaviour to stop the step with an incident of this type. */
export class IncidentSignal extends Error {
  constructor(
    readonly type: IncidentType,
    message: string,
  ) {
    super(message);
  }
}

/** An expression or mapping failure becomes an incident; anything else is a bug and propagates. */
export function incidentFrom(
  ctx: RuntimeContext,
  e: unknown,
  inst: InstanceRow,
  el: ElementInstance,
  retry: 'activate' | 'complete',
  pending?: Variables,
): void {
  if (!(e instanceof IncidentSignal) && !(e instanceof FeelEvaluationError) && !(e instanceof TimerError)) throw e;
  const type: IncidentType = e instanceof IncidentSignal ? e.type : 'UNKNOWN';
  raiseIncident(ctx, inst, el, type, e.message, retry, pending);
}

export function raiseIncident(
  ctx: RuntimeContext,
  inst: InstanceRow,
  el: ElementInstance,
  errorType: IncidentType,
  message: string,
  retry?: 'activate' | 'complete',
  pending?: Variables,
  jobKey?: string,
): string {
  const key = ctx.keys.next();
  el.incident = key;
  if (retry) el.retry = retry;
  if (pending) el.pending = pending;
  inst.hasIncident = true;
  ctx.effects.createIncident({
    key,
    state: 'ACTIVE',
    error_type: errorType,
    error_message: message,
    process_instance_key: inst.key,
    element_instance_key: el.key,
    element_id: el.id,
    bpmn_process_id: inst.bpmnProcessId,
    definition_key: inst.definitionKey,
    job_key: jobKey ?? null,
    created_at: ctx.now,
  });
  ctx.effects.event({
    valueType: 'INCIDENT',
    intent: 'CREATED',
    processInstanceKey: inst.key,
    elementInstanceKey: el.key,
    elementId: el.id,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
    payload: { incidentKey: key, errorType, errorMessage: message, jobKey: jobKey ?? null },
  });
  return key;
}
