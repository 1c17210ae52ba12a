/**
 * Catch events and the waits they open: intermediate timer and message catch events, receive
 * tasks, and the timer and message boundary events of an activity. A wait is a timer row or a
 * message subscription owned by an element instance; when it fires, the runtime's `trigger`
 * completes the catch event or activates the boundary event.
 */
import { nextCycle, scheduleTimer, type FlowNode } from '../../../bpmn/index.js';
import { evaluateExpr, evaluateString, FeelEvaluationError } from '../../../feel/index.js';
import type { SignalSubscriptionRow, SubscriptionRow, TimerRow } from '../effects.js';
import { visibleVariables, type ElementInstance, type InstanceRow } from '../state.js';
import type { Activate, RuntimeContext, Tokens } from './behaviour.js';
import { IncidentSignal } from './incidents.js';
import { waitEvent } from './records.js';

/** An intermediate catch event or a receive task: the token waits for its timer or message. */
export const activateCatchEvent: Activate = (t, inst, el, node) => {
  openWait(t, inst, el, node, node.id, el.key);
  t.markActivated(inst, el, node);
  if (node.type === 'receiveTask') openBoundaries(t, inst, el, node);
};

/** Boundary timers and messages of an activity open when it is activated. */
export function openBoundaries(t: Tokens, inst: InstanceRow, el: ElementInstance, node: FlowNode): void {
  // A multi-instance activity's boundary events belong to its body, not to each inner instance.
  if (el.inner) return;
  const def = t.definitionOf(inst);
  for (const b of node.boundaries) {
    const boundary = def.elements[b];
    if (boundary.event?.kind === 'timer' || boundary.event?.kind === 'message' || boundary.event?.kind === 'signal') {
      openWait(t, inst, el, boundary, boundary.id, el.key, boundary.cancelActivity !== false);
    }
  }
}

/**
 * A timer or a message subscription owned by element instance `ownerKey` (or the process instance),
 * firing `targetId`. Returns the key of the timer or subscription row.
 */
export function openWait(
  t: Tokens,
  inst: InstanceRow,
  owner: ElementInstance,
  event: FlowNode,
  targetId: string,
  ownerKey: string,
  interrupting = true,
): { timer: string } | { subscription: string } | { signal: string } | undefined {
  const vars = visibleVariables(inst.doc, owner.key);
  /** Who waits, for a message or a signal subscription. */
  const subscriber = {
    process_instance_key: inst.key,
    element_instance_key: ownerKey,
    element_id: owner.id,
    target_element_id: targetId,
    bpmn_process_id: inst.bpmnProcessId,
    interrupting,
    created_at: t.ctx.now,
  };
  if (event.event?.kind === 'timer') {
    const timer = event.event.timer;
    let schedule;
    try {
      const text = evaluateExpr(timer.expression, vars);
      // A FEEL date, duration or cycle value prints as its ISO 8601 text, which the schedule parses.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      schedule = scheduleTimer(timer.kind, String(text ?? ''), t.ctx.now);
    } catch (e) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `timer of '${event.id}': ${(e as Error).message}`);
    }
    const row: TimerRow = {
      key: t.ctx.keys.next(),
      due_at: schedule.dueAt,
      process_instance_key: inst.key,
      element_instance_key: ownerKey,
      element_id: owner.id,
      target_element_id: targetId,
      definition_key: inst.definitionKey,
      bpmn_process_id: inst.bpmnProcessId,
      repetitions: schedule.repetitions,
      cycle: schedule.cycle ?? null,
      created_at: t.ctx.now,
    };
    t.ctx.effects.createTimer(row);
    waitEvent(t.ctx, inst, owner, 'TIMER', 'CREATED', {
      timerKey: row.key,
      targetElementId: targetId,
      dueDate: new Date(row.due_at).toISOString(),
    });
    return { timer: row.key };
  }
  if (event.event?.kind === 'message') {
    const m = event.event.message;
    let name: string;
    let correlationKey: string;
    try {
      name = evaluateString(m.name, vars, 'the message name');
      const k = evaluateExpr(m.correlationKey!, vars);
      if (typeof k !== 'string' && typeof k !== 'number') {
        throw new FeelEvaluationError(`expected the correlation key to be a string or a number, but got ${JSON.stringify(k)}`);
      }
      correlationKey = String(k);
    } catch (e) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `message subscription of '${event.id}': ${(e as Error).message}`);
    }
    const sub: SubscriptionRow = {
      key: t.ctx.keys.next(),
      message_name: name,
      correlation_key: correlationKey,
      ...subscriber,
    };
    t.ctx.effects.openSubscription(sub);
    waitEvent(t.ctx, inst, owner, 'PROCESS_MESSAGE_SUBSCRIPTION', 'CREATED', {
      messageName: name,
      correlationKey,
      targetElementId: targetId,
    });
    t.pend({ kind: 'subscribed', inst, sub });
    return { subscription: sub.key };
  }
  if (event.event?.kind === 'signal') {
    let name: string;
    try {
      name = evaluateString(event.event.signal.name, vars, 'the signal name');
    } catch (e) {
      throw new IncidentSignal('EXTRACT_VALUE_ERROR', `signal subscription of '${event.id}': ${(e as Error).message}`);
    }
    const sub: SignalSubscriptionRow = {
      key: t.ctx.keys.next(),
      signal_name: name,
      ...subscriber,
    };
    t.ctx.effects.openSignalSubscription(sub);
    waitEvent(t.ctx, inst, owner, 'SIGNAL_SUBSCRIPTION', 'CREATED', { signalName: name, targetElementId: targetId });
    return { signal: sub.key };
  }
  return undefined;
}

/** A non-interrupting cycle timer fired: it is due again, or done. */
export function rescheduleOrDrop(ctx: RuntimeContext, timer: { key: string; due_at: number; repetitions: number; cycle: string | null }): void {
  if (timer.cycle && timer.repetitions !== 0) {
    const next = nextCycle(timer.cycle, timer.due_at);
    ctx.effects.rescheduleTimer(timer.key, next, timer.repetitions < 0 ? -1 : timer.repetitions - 1);
  } else {
    ctx.effects.deleteTimer(timer.key);
  }
}
