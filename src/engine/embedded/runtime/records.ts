/** The records a token writes to the event log as it moves (Zeebe's PROCESS_INSTANCE, JOB, TIMER… records). */
import { ZEEBE_ELEMENT_TYPE, type FlowNode } from '../../../bpmn/index.js';
import type { ElementInstance, InstanceRow } from '../state.js';
import type { RuntimeContext } from './behaviour.js';

export function elementEvent(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, node: FlowNode, intent: string, isBody = false): void {
  ctx.effects.event({
    valueType: 'PROCESS_INSTANCE',
    intent,
    processInstanceKey: inst.key,
    elementInstanceKey: el.key,
    elementId: el.id,
    elementType: isBody ? 'MULTI_INSTANCE_BODY' : ZEEBE_ELEMENT_TYPE[node.type],
    flowScopeKey: el.scope,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
  });
}

export function processEvent(ctx: RuntimeContext, inst: InstanceRow, intent: string): void {
  ctx.effects.event({
    valueType: 'PROCESS_INSTANCE',
    intent,
    processInstanceKey: inst.key,
    elementInstanceKey: inst.key,
    elementId: inst.bpmnProcessId,
    elementType: 'PROCESS',
    flowScopeKey: inst.parentElementInstanceKey ?? null,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
  });
}

export function takeEvent(ctx: RuntimeContext, inst: InstanceRow, flowId: string, scope: string): void {
  ctx.effects.event({
    valueType: 'PROCESS_INSTANCE',
    intent: 'SEQUENCE_FLOW_TAKEN',
    processInstanceKey: inst.key,
    elementInstanceKey: ctx.keys.next(),
    elementId: flowId,
    elementType: 'SEQUENCE_FLOW',
    flowScopeKey: scope,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
  });
}

/** A record about an element's wait or job: TIMER, PROCESS_MESSAGE_SUBSCRIPTION or JOB. */
export function waitEvent(
  ctx: RuntimeContext,
  inst: InstanceRow,
  el: ElementInstance,
  valueType: string,
  intent: string,
  payload: Record<string, unknown>,
): void {
  ctx.effects.event({
    valueType,
    intent,
    processInstanceKey: inst.key,
    elementInstanceKey: el.key,
    elementId: el.id,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
    payload,
  });
}

export function jobEvent(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, jobKey: string, intent: string, payload?: Record<string, unknown>): void {
  waitEvent(ctx, inst, el, 'JOB', intent, { jobKey, ...payload });
}
