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

/**
 * Zeebe's VARIABLE record (CREATED, UPDATED) for a variable whose value changed, with what Zeebe
 * does not record and an auditor asks first — who changed it: the element whose mapping or result
 * wrote it (`elementId`, `elementInstanceKey`; none when a command wrote it directly) and the
 * command behind it (`command`, its job, user task or message). `scopeKey` is where it lives.
 */
export function variableEvent(
  ctx: RuntimeContext,
  inst: InstanceRow,
  scopeKey: string,
  name: string,
  value: unknown,
  intent: 'CREATED' | 'UPDATED',
  by?: ElementInstance,
): void {
  ctx.effects.event({
    valueType: 'VARIABLE',
    intent,
    processInstanceKey: inst.key,
    elementInstanceKey: by?.key ?? null,
    elementId: by?.id ?? null,
    bpmnProcessId: inst.bpmnProcessId,
    at: ctx.now,
    payload: { name, value: value === undefined ? null : value, scopeKey, ...ctx.cause },
  });
}

export function jobEvent(ctx: RuntimeContext, inst: InstanceRow, el: ElementInstance, jobKey: string, intent: string, payload?: Record<string, unknown>): void {
  waitEvent(ctx, inst, el, 'JOB', intent, { jobKey, ...payload });
}
